"""Whoever signs, the money is the technician's to hand in: a resident never becomes a cashier."""

from sqlalchemy import select

from app.models import Charge, Payment, Status, Technician, User
from tests.conftest import ACCOUNTS
from tests.integration.helpers import db_session, post
from tests.integration.test_tech_day import as_tech, make_job, record, switch, tap, ticket


def test_a_paid_job_signed_on_the_residents_phone_is_paid_to_the_technician(client, demo_settings):
    number = make_job(demo_settings, status=Status.IN_PROGRESS, charge=Charge.PAID, quote=200.0)
    as_tech(client)
    record(client, number, charge="paid", labour=[("L-TAP", "1")])
    assert tap(client, number, "completed").status_code == 200
    switch(client, ACCOUNTS["resident"])
    signed = post(client, f"/my/tickets/{number}/signoff", {"attitude": "5", "skill": "5", "timeliness": "5", "overall": "5",
                                                            "method": "cash"})
    assert signed.status_code == 200
    saved = ticket(demo_settings, number)
    assert saved.status is Status.CONFIRMED
    with db_session(demo_settings) as db:
        payment = db.scalar(select(Payment).where(Payment.ticket_id == saved.id))
        technician_user = db.scalar(select(User.id).join(Technician, Technician.user_id == User.id).where(Technician.id == saved.technician_id))
        resident = db.scalar(select(User.id).where(User.phone == ACCOUNTS["resident"]))
    assert payment is not None and payment.amount == 35 and payment.method == "cash"
    assert payment.recorded_by_id == technician_user != resident, "the technician hands the cash in"
