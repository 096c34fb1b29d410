"""The compliance dashboard: who is current on any date, for HR and supervisors."""
