from django.urls import path

from projects.views import application, budget_lines, committee, projects, reports, review

app_name = "projects"

urlpatterns = [
    # The partners' action projects
    path("projets/", projects.project_list, name="project-list"),
    path("projets/intention/", projects.project_intention_create, name="project-intention-create"),
    path("projets/nouveau/", projects.project_create, name="project-create"),
    path("projets/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projets/<int:pk>/modifier/", projects.project_update, name="project-update"),
    path("projets/<int:pk>/deposer/", projects.project_submit, name="project-submit"),
    # The application as a task list, saved as you go: its sections, each a short form, then « Vérifier et déposer »
    path("projets/<int:pk>/demande/", application.project_application, name="project-application"),
    path(
        "projets/<int:pk>/demande/verifier/", application.project_application_review, name="project-application-review"
    ),
    path(
        "projets/<int:pk>/demande/<slug:section>/",
        application.project_application_section,
        name="project-application-section",
    ),
    path(
        "projets/<int:pk>/partenaires/<int:partner_pk>/reponse/", projects.partnership_answer, name="partnership-answer"
    ),
    path("projets/<int:pk>/commentaires/", projects.project_comment_create, name="project-comment-create"),
    # The review of filed projects: grid, analysis, recommendation, board decision; intentions and look-alikes
    path("projets/categories-de-depenses/", budget_lines.expense_category_list, name="expense-category-list"),
    path(
        "projets/categories-de-depenses/nouvelle/",
        budget_lines.expense_category_create,
        name="expense-category-create",
    ),
    path(
        "projets/categories-de-depenses/<int:pk>/modifier/",
        budget_lines.expense_category_update,
        name="expense-category-update",
    ),
    path("projets/grille-d-analyse/", review.criterion_list, name="criterion-list"),
    path("projets/grille-d-analyse/nouveau/", review.criterion_create, name="criterion-create"),
    path("projets/grille-d-analyse/<int:pk>/modifier/", review.criterion_update, name="criterion-update"),
    path("projets/grille-d-analyse/<int:pk>/archiver/", review.criterion_archive, name="criterion-archive"),
    path("projets/grille-d-analyse/<int:pk>/reactiver/", review.criterion_restore, name="criterion-restore"),
    path("projets/grille-d-analyse/<int:pk>/supprimer/", review.criterion_delete, name="criterion-delete"),
    path("projets/<int:pk>/analyse/ouvrir/", review.review_open, name="review-open"),
    path("projets/<int:pk>/analyse/", review.review_detail, name="review-detail"),
    path("projets/<int:pk>/analyse/recommander/", review.review_recommend, name="review-recommend"),
    path("projets/<int:pk>/decision-du-conseil/", review.board_decision_create, name="board-decision-create"),
    path(
        "projets/<int:pk>/demander-des-modifications/", review.project_request_changes, name="project-request-changes"
    ),
    path("projets/intentions/", review.intention_list, name="intention-list"),
    path("projets/<int:pk>/rediger/", review.intention_to_draft, name="intention-to-draft"),
    path("projets/semblables/", review.similar_pair_list, name="similar-pair-list"),
    # The analysis committee: its members, their declarations of interests and their own grids (issue 20, part 1)
    path("projets/comite-d-analyse/", committee.committee_list, name="committee-list"),
    path("projets/comite-d-analyse/<int:pk>/depart/", committee.committee_member_leave, name="committee-member-leave"),
    path("projets/comite-d-analyse/mes-analyses/", committee.committee_my_reviews, name="committee-my-reviews"),
    path("projets/<int:pk>/analyse/membres/<int:member_pk>/", committee.review_member, name="review-member"),
    path(
        "projets/<int:pk>/analyse/membres/<int:member_pk>/conflit/",
        committee.review_member_conflict,
        name="review-member-conflict",
    ),
    # Progress and final reports
    path("projets/<int:pk>/rapports/nouveau/", reports.report_create, name="report-create"),
    path("projets/<int:pk>/rapports/final/", reports.report_create, {"final": True}, name="report-create-final"),
    # « Vérifier avant de déposer »: the draft as it will be filed
    path("projets/<int:pk>/rapports/nouveau/verifier/", reports.report_review, name="report-review"),
    path(
        "projets/<int:pk>/rapports/final/verifier/", reports.report_review, {"final": True}, name="report-review-final"
    ),
    path("rapports/en-retard/", reports.report_late, name="report-late"),
    path("rapports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("rapports/<int:pk>/lu/", reports.report_mark_read, name="report-mark-read"),
    path("rapports/<int:pk>/pieces-jointes/", reports.report_attachment_add, name="report-attachment-add"),
    path("rapports/echeances/<int:pk>/rappel/", reports.deadline_remind, name="deadline-remind"),
    path("pieces-jointes/<int:pk>/", reports.attachment_download, name="attachment-download"),
]
