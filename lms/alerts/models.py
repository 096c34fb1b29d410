"""The alert outbox: one row per alert (subject, kind, threshold, due date), one delivery per
recipient, every send attempt recorded, and the in-app notifications.

An alert's *subject key* names what it is about, and makes it exactly-once together with its
kind, threshold and due date: ``person:<id>`` for a person's training, licence or provisional
streak, ``person:<id>/requirement:<key>`` for one of their requirements, ``session:<id>`` for a
supervision session, ``oncall-gap:<start>/<end>`` for an on-call gap (which is about no person,
so ``person_id`` is empty; a gap whose start or end changes is another subject, so another
alert)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, string_enum


class AlertKind(enum.StrEnum):
    TRAINING_DUE = "training_due"  # initial training or renewal coming due
    TRAINING_OVERDUE = "training_overdue"  # initial training past due (weekly)
    TRAINING_LAPSED = "training_lapsed"  # certification expired (weekly)
    LICENCE_EXPIRING = "licence_expiring"  # a supervisor's licence
    PROVISIONAL_STALE = "provisional_stale"  # a candidate left provisional too long
    SUPERVISION_PENDING = "supervision_pending"  # a supervisee's week not met yet (weekly)
    SUPERVISION_MISSED = "supervision_missed"  # a mentor's week missed (HR's digest)
    UNLICENSED_SUPERVISION = "unlicensed_supervision"  # a session with no valid licence
    ONCALL_GAP = "oncall_gap"  # service hours no senior clinician covers
    REQUIREMENT_DUE = "requirement_due"  # a credential, course or policy about to lapse
    REQUIREMENT_LAPSED = "requirement_lapsed"
    CHECK_DUE = "check_due"  # a re-check (exclusion screening every month…) HR must run
    POLICY_TO_SIGN = "policy_to_sign"  # a new policy version the person has not signed


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # retried with back-off until the attempt limit
    NO_ADDRESS = "no_address"  # shown in the app only


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("subject_key", "kind", "threshold", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person the alert is about; empty for an on-call gap, which is about no one.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    subject_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AlertKind] = mapped_column(string_enum(AlertKind, "kind"))
    # Days before the due date (negative: days after, for weekly overdue/lapsed reminders).
    threshold: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: The same alert as the person it is about reads it ("Your training…"); empty when
    #: everyone reads the text above.
    own_subject: Mapped[str | None] = mapped_column(String(200))
    own_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AlertDelivery(Base):
    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "recipient_key"),
        Index("ix_alert_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    #: The email address in lower case, or "user:<id>" for a user without one.
    recipient_key: Mapped[str] = mapped_column(String(254))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    #: Why they get it: self (it is about them; "mentor" on older rows), supervisor, hr or admin.
    role: Mapped[str] = mapped_column(String(20))
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[DeliveryStatus] = mapped_column(string_enum(DeliveryStatus, "status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # a sender's lease
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("alert_deliveries.id"), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """An alert as it appears in the recipient's in-app notifications."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "alert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
