from django.urls import path

from . import self_service_views as views

app_name = "selfservice"

urlpatterns = [
    path("", views.my_requests, name="list"),
    path("new/", views.new_request, name="new"),
    path("file/<int:pk>/", views.my_attachment, name="attachment"),
    path("<str:number>/", views.request_detail, name="detail"),
]
