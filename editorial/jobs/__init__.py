"""Long work as jobs on Django's tasks framework (the ``django-tasks`` backport).

A :class:`~editorial.jobs.models.Job` row records each job: its kind, who started it,
its progress, its result and what it finished, item by item (``JobItem``), each in the
same transaction as the item's change. A worker killed mid-job loses nothing: the job
is queued again (``resume_jobs``, or the job's page) and carries on with the items not
yet done. ``running`` starts, runs and resumes jobs; ``kinds`` names the function of
each kind of job.
"""
