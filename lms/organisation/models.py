"""Saved organisation settings: one row per save, never updated, the newest in force."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime
from lms.organisation.rules import FIELDS_BY_NAME, OrganisationDetails


def _text(name: str) -> Mapped[str]:
    return mapped_column(String(FIELDS_BY_NAME[name].max_length))


class OrganisationSettingsVersion(Base):
    """A complete set of the provider's details as an administrator saved it.

    A change is a new row rather than an edit, so what the settings were on any date (and who
    set them) can be shown to an auditor; the row with the highest id is in force.
    """

    __tablename__ = "organisation_settings_versions"
    __table_args__ = (
        # Printed on every page and certificate: never blank, whatever writes the row.
        CheckConstraint(
            "organisation_name <> '' AND training_director_name <> '' "
            "AND training_director_title <> ''",
            name="required_values_given",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_name: Mapped[str] = _text("organisation_name")
    on_call_phone: Mapped[str] = _text("on_call_phone")
    emergency_protocol: Mapped[str] = _text("emergency_protocol")
    supervisor_contact: Mapped[str] = _text("supervisor_contact")
    training_director_name: Mapped[str] = _text("training_director_name")
    training_director_title: Mapped[str] = _text("training_director_title")
    service_hours: Mapped[str] = mapped_column(
        String(FIELDS_BY_NAME["service_hours"].max_length), server_default=""
    )
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_by_label: Mapped[str] = mapped_column(String(254))

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            organisation_name=self.organisation_name,
            on_call_phone=self.on_call_phone,
            emergency_protocol=self.emergency_protocol,
            supervisor_contact=self.supervisor_contact,
            training_director_name=self.training_director_name,
            training_director_title=self.training_director_title,
            service_hours=self.service_hours,
        )
