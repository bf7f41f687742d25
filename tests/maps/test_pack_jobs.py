"""The council pack from the web: one job per pack asked for, progress, download, failure.

The job is run by the task worker's own code (django-tasks-db's Worker.run_task on the
queued row it claims) in the test's process and transaction: no timing, no mocks of the
database.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from layers.models import Settlement
from maps.models import PackJob
from maps.printing import pack
from tests.helpers.tasks import queue_worker
from tests.maps.test_print_helpers import (
    demo,  # noqa: F401 (fixture)
    pdf_reader,
)

pytestmark = pytest.mark.django_db
START = "/maps/print/pack/"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _planner(name: str) -> User:
    user = User.objects.create_user(name)
    user.groups.add(Group.objects.get_or_create(name="planners")[0])
    return user


@pytest.fixture
def planner_client(client, demo):  # noqa: F811
    client.force_login(_planner("planner"), backend=BACKEND)
    return client


def pack_tasks():
    """The queue's council-pack tasks (filing the demo's reports queues their mail too)."""
    return DBTaskResult.objects.filter(task_path="maps.tasks.council_pack_task")


def run_one_queued_task() -> None:
    """Claim the oldest queued task and run it as `manage.py db_worker` does."""
    worker = queue_worker()
    with transaction.atomic():
        task_result = pack_tasks().ready().get_locked()
        assert task_result is not None, "no task was queued"
        task_result.claim(worker.worker_id)
    worker.run_task(task_result)


def test_a_pack_asked_for_twice_is_one_job_that_both_callers_see(planner_client, client):
    first = planner_client.post(START, {"paper": "A4"})
    assert first.status_code == 202
    client.force_login(_planner("another-planner"), backend=BACKEND)
    second = client.post(START, {"paper": "A4"})
    assert second.json()["id"] == first.json()["id"]
    assert PackJob.objects.count() == 1
    assert pack_tasks().count() == 1
    assert client.get(first.json()["status_url"]).json()["status"] == "queued"


def test_the_database_refuses_a_second_active_job_of_the_same_pack(planner_client):
    job_id = planner_client.post(START, {"paper": "A3"}).json()["id"]
    job = PackJob.objects.get(pk=job_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        PackJob.objects.create(key=job.key, paper="A3", map_date=job.map_date)


def test_the_worker_makes_the_pack_counting_pages_and_the_page_offers_it(planner_client):
    started = planner_client.post(START, {"paper": "A4"}).json()
    total = Settlement.objects.count() + 3
    assert (started["pages_done"], started["pages_total"]) == (0, total)
    run_one_queued_task()
    status = planner_client.get(started["status_url"]).json()
    assert status["status"] == "done"
    assert status["pages_done"] == status["pages_total"] == total
    download = planner_client.get(status["download_url"])
    assert download.status_code == 200
    name = status["filename"]
    assert name.startswith("dmytrivska-council-pack-") and name.endswith(".pdf")
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    pages = pdf_reader(download.content).pages
    lists = len(pages) - total  # the numbered lists after the summary
    assert lists >= 1
    # The overview and every atlas page carry their map's georeferencing; cover,
    # summary and lists have no map.
    maps = [False] + [True] * (total - 2) + [False] + [False] * lists
    assert [("/VP" in page) for page in pages] == maps
    assert pack_tasks().get().status == "SUCCESSFUL"


def test_a_job_failing_midway_shows_an_error_and_offers_no_file(planner_client, monkeypatch):
    drawn = []
    real_atlas_page = pack.atlas_page

    def atlas_page_breaking_at_the_second_village(*args, **kwargs):
        if drawn:
            raise RuntimeError("the renderer broke")
        drawn.append(True)
        return real_atlas_page(*args, **kwargs)

    monkeypatch.setattr(pack, "atlas_page", atlas_page_breaking_at_the_second_village)
    started = planner_client.post(START, {"paper": "A4"}).json()
    run_one_queued_task()
    status = planner_client.get(started["status_url"]).json()
    assert status["status"] == "failed"
    assert status["pages_done"] == 3  # cover, overview, the first village
    assert "помилку на сервері" in status["error"]
    assert "renderer" not in status["error"]  # no internals on the page
    assert status["download_url"] is None
    assert PackJob.objects.get(pk=started["id"]).pdf is None
    missing = planner_client.get(f"{START}{started['id']}/pdf")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    # A new request after a failure starts a new job.
    again = planner_client.post(START, {"paper": "A4"}).json()
    assert again["id"] != started["id"] and again["status"] == "queued"


@pytest.mark.parametrize("job_id", ["00000000-0000-4000-8000-000000000000", "not-a-job"])
def test_a_job_that_does_not_exist_is_a_404_json(planner_client, job_id):
    for url in (f"{START}{job_id}/", f"{START}{job_id}/pdf"):
        response = planner_client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert job_id in response.json()["error"]["message"]


def test_a_paper_the_printer_cannot_take_starts_no_job(planner_client):
    response = planner_client.post(START, {"paper": "A0"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_paper"
    assert not PackJob.objects.exists() and not pack_tasks().exists()


def test_staff_who_see_fewer_layers_do_not_get_a_planners_pack(planner_client, client, demo):  # noqa: F811
    started = planner_client.post(START, {"paper": "A4"}).json()
    client.force_login(User.objects.create_user("clerk", is_staff=True), backend=BACKEND)
    assert client.get(started["status_url"]).status_code == 404
    assert client.post(START, {"paper": "A4"}).json()["id"] != started["id"]
