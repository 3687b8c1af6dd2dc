"""Reusable widgets of the console."""

from wzdesk.tui.widgets.case_detail import CaseDetail
from wzdesk.tui.widgets.filter_bar import FilterBar
from wzdesk.tui.widgets.queue_table import QueueTable
from wzdesk.tui.widgets.services_section import ServicesSection
from wzdesk.tui.widgets.sla_panel import BusinessClock, SlaPanel

__all__ = [
    "BusinessClock",
    "CaseDetail",
    "FilterBar",
    "QueueTable",
    "ServicesSection",
    "SlaPanel",
]
