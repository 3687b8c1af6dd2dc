"""Professional services: rates, quotes, time against quotes, prepaid hours, the accounting
export. One module per part:

* :mod:`~wzdesk.services.billing.rates`: the rate card with effective dates (supervisors);
* :mod:`~wzdesk.services.billing.quotes`: quotes on a case and their moves (send emails the
  client admin through :mod:`~wzdesk.services.billing.quote_mail`);
* :mod:`~wzdesk.services.billing.time_log`: time against an approved quote;
* :mod:`~wzdesk.services.billing.prepaid`: prepaid hours, volume-discount tiers, the balance;
* :mod:`~wzdesk.services.billing.export`: CSV and JSON for accounting;
* :mod:`~wzdesk.services.billing.overview`: what the console's case detail shows.

The hand-off from support (escalating to professional services, resolving as needing them)
lives with the case use cases, in :mod:`wzdesk.services.cases.handoff`. The arithmetic is in
:mod:`wzdesk.core.billing` and :mod:`wzdesk.core.money`.
"""
