"""Applications and replies within working-day deadlines (Arts. 16, 19, 21, 23,
24): share and open data applications, disputes, opening requests, error
reports and feedback.

Pure core: ``machine.py`` (state machines) and ``deadlines.py`` (due dates,
reminders, overdue). CKAN adapter: ``model.py`` (tables), ``roles.py`` (who is
who), ``engine.py`` (transitions, history, notifications, the deadline task),
``logic.py`` (actions and auth), ``views.py`` (pages), ``notify.py`` (mail job).
"""
