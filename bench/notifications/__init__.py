"""Reminders on time: 100,000 reminders falling due within one minute across 100 tenants.

On PostgreSQL, 100 tenants (each in a time zone where it is day, so quiet hours hold nothing
back) get 1-5 members each through `Accounts`; their sign-up mail is sent first. Then, for each
number of scheduler processes asked for (`--processes 1,4`: one, then four), the reminders are
written as due work rows of the bench's own kind (`reminders`: a MEETINGS notification, so
quiet hours, the unsubscribe link, the notification centre and every channel apply), falling
due evenly over `--window` seconds, each to a tenant and member drawn at random. The real
`Scheduler` (`start()`, with `open_deliverer`), in worker processes of its own, carries them
out and sends them to the real SMTP sink, `ithaca mail-sink`, in a process of its own
(`sink`). Lateness is the reminder's arrival at the sink minus its due instant (the mail's
text carries the instant); the scheduler's own record (settled_at - due_at) is printed beside.

The baseline, in the same run, on the same sink, with the same bytes: raw `smtplib` sends, one
session per scheduler process, just before and just after each phase (`baseline`). The ratio
is reminders sent per second (from the first due instant to the last arrival) to raw sends per
second. Target: p99 lateness under 5 s.

Runs on a fresh database `ithaca_bench_<random>` on the server of --database-url (else
TEST_DATABASE_URL, ITHACA_DATABASE_URL, else the local default), dropped at the end. Usage:
python -m bench.notifications [--reminders 100000] [--tenants 100] [--processes 1,4] [--quick]

Modules: `reminders` (the bench's kind of work and its feature), `population` (tenants,
members, rows), `sink` (the sink's process), `baseline` (raw sends), `measurement` (the
phases), `__main__` (options and report).
"""
