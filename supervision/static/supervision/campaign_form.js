// 新建专项督查: keep "已选N个" / "已选N人" of each pool in step with the selection as the user picks
// (the server-side count is right only after a reload). A static file, not inline script (CSP).
document.addEventListener("change", function (e) {
  var select = e.target.closest("select[multiple]");
  if (!select) { return; }
  var out = document.querySelector('[data-count-for="' + select.id + '"]');
  if (out) { out.textContent = select.selectedOptions.length; }
});
