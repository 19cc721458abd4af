"""The site: this project's Datasette plugin and the ``serve`` command's runner.

``plugin`` is the ``datasette`` entry point: its hooks, templates and static files. Each
hook hands over to the module that does the work: ``facets``, ``ics``, ``timeline_page``,
``front``, ``event_page``, ``cells``, ``sqllimits``, ``examples``, ``pagescripts``.
``serve`` runs Datasette on a built database. Nothing is imported here, so
``armstimeline serve`` starts its worker processes before paying for Datasette.
"""
