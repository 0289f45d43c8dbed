"""The staff pages of surveys, under /surveys/ (the public answering pages: surveys.urls_public,
under /s/). Each area keeps its own list."""

from surveys import urls_builder, urls_evaluation, urls_results

app_name = "surveys"
urlpatterns = [*urls_builder.urlpatterns, *urls_results.urlpatterns, *urls_evaluation.urlpatterns]
