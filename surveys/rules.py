"""The permissions of surveys, named once; who may act beyond a state (surveys.transitions) is
checked in each area's service module."""

VIEW_QUESTIONNAIRE = "surveys.view_questionnaire"
ADD_QUESTIONNAIRE = "surveys.add_questionnaire"
CHANGE_QUESTIONNAIRE = "surveys.change_questionnaire"
PUBLISH = "surveys.publish_questionnaire"

VIEW = "surveys.view_survey"  # a round, its targets, results and (anonymous) responses
ADD = "surveys.add_survey"
CHANGE = "surveys.change_survey"
ISSUE_TOKEN = "surveys.issue_token"
EXPORT = "surveys.export_survey"
CONVERT = "surveys.convert_survey"  # with rectification.add_problem

VIEW_EVALUATION = "surveys.view_evaluation"
ADD_EVALUATION = "surveys.add_evaluation"
CHANGE_EVALUATION = "surveys.change_evaluation"
REPORT_EVALUATION = "surveys.report_evaluation"
