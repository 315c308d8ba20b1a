from django.urls import path

from chantiers.views import (
    avoided,
    calendar,
    citizen,
    meetings,
    participation,
    spaces,
)

app_name = "chantiers"

urlpatterns = [
    # Concertation spaces
    path("lieux/", spaces.space_list, name="space-list"),
    path("lieux/nouveau/", spaces.space_create, name="space-create"),
    path("lieux/<int:pk>/", spaces.space_detail, name="space-detail"),
    path("lieux/<int:pk>/modifier/", spaces.space_update, name="space-update"),
    path("lieux/<int:pk>/archiver/", spaces.space_archive, name="space-archive"),
    path("lieux/<int:pk>/reactiver/", spaces.space_restore, name="space-restore"),
    path("lieux/<int:pk>/membres/ajouter/", spaces.space_member_add, name="space-member-add"),
    path("lieux/<int:pk>/membres/<int:seat_pk>/retirer/", spaces.space_member_remove, name="space-member-remove"),
    path("lieux/<int:pk>/citoyens/ajouter/", spaces.space_citizen_add, name="space-citizen-add"),
    path("lieux/<int:pk>/citoyens/<int:seat_pk>/retirer/", spaces.space_citizen_remove, name="space-citizen-remove"),
    path("lieux/<int:pk>/animateurs/ajouter/", spaces.space_facilitator_add, name="space-facilitator-add"),
    path(
        "lieux/<int:pk>/animateurs/<int:facilitator_pk>/retirer/",
        spaces.space_facilitator_remove,
        name="space-facilitator-remove",
    ),
    # A citizen's own access (issue 21, part 5): Coordination offers it and withdraws it
    path("citoyens/<int:pk>/acces/", citizen.citizen_access, name="citizen-access"),
    path("citoyens/<int:pk>/acces/retirer/", citizen.citizen_access_withdraw, name="citizen-access-withdraw"),
    # Meetings
    path("lieux/<int:pk>/rencontres/nouvelle/", meetings.meeting_create, name="meeting-create"),
    path("rencontres/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("rencontres/<int:pk>/modifier/", meetings.meeting_update, name="meeting-update"),
    path("rencontres/<int:pk>/presences/", meetings.meeting_attendance, name="meeting-attendance"),
    path("rencontres/<int:pk>/decisions/ajouter/", meetings.decision_create, name="decision-create"),
    # Meetings avoided (principle 3): the alternatives to a meeting, written consultations
    path("lieux/<int:pk>/rencontres/eviter/", avoided.meeting_avoid, name="meeting-avoid"),
    path("consultations/", avoided.consultation_list, name="consultation-list"),
    path("consultations/<int:pk>/", avoided.consultation_detail, name="consultation-detail"),
    path("consultations/<int:pk>/repondre/", avoided.consultation_answer, name="consultation-answer"),
    path("consultations/<int:pk>/decision/", avoided.consultation_decide, name="consultation-decide"),
    path("suivis/<int:pk>/fait/", meetings.follow_up_done, name="follow-up-done"),
    # Upcoming meetings and the personal iCalendar feed
    path("rencontres/", calendar.meeting_list, name="meeting-list"),
    path("calendrier/<uuid:token>.ics", calendar.meeting_feed, name="meeting-feed"),
    # Principle 3 (hyperconcertation) and principle 5 (the citizen at the heart)
    path("hyperconcertation/", participation.hyperconcertation, name="hyperconcertation"),
    path("hyperconcertation/seuil/", participation.threshold_update, name="threshold-update"),
    path("participation-citoyenne/", participation.citizen_participation, name="citizen-participation"),
]
