"""The Celery application for `celery -A community.worker …` (REDIS_URL must be set).

    celery -A community.worker worker --loglevel=info      # one or more workers
    celery -A community.worker beat --loglevel=info        # exactly one scheduler
    celery -A community.worker flower                      # monitoring (pip install flower)
"""

from community import create_app
from community.tasks import celery_for

flask_app = create_app()
celery = celery_for(flask_app)
if celery is None:
    raise SystemExit("REDIS_URL (or CELERY_BROKER_URL) is not set: run `flask --app wsgi tasks worker` instead.")
app = celery  # what `celery -A community.worker` looks for
