"""Match lists at scale: top-20 mentors for one entrepreneur right after their profile changed.

One tenant on PostgreSQL with 100,000 mentors and 200,000 entrepreneurs (by default), synthetic
but shaped like a real programme: mentors mostly in high-income countries and entrepreneurs in
emerging markets, both Zipf-distributed over countries; languages from the country (English
often added, a diaspora language sometimes), expertise, industries and needs Zipf-distributed,
working hours in local time, and a year of mentoring requests that favour popular mentors
(answered, declined, expired or still open). Events are written in bulk through the event store
(many aggregates per append), then projected by the engine (timed: events per second).

Then, repeatedly: one entrepreneur's profile changes (a real `Profiles` command), the projection
catches up, and the top 20 mentors for that entrepreneur are computed on the in-memory index,
its refresh from the read model included ("index"). In the same run, for the same entrepreneur,
a brute-force NumPy baseline scores every mentor from dense matrices (one-hot languages,
expertise, industries, countries; 768 half-hour slots per mentor) and sorts them all; both give
the same scores. The target is index p95 <= 20 ms.

Runs on a fresh database `ithaca_bench_<random>` on the server of --database-url (else
BENCH_DATABASE_URL, else the local default), dropped at the end. Usage:
python -m bench.matching [--mentors 100000] [--entrepreneurs 200000] [--queries 300] [--smoke]

Modules: `synthesis` (the members' attributes), `loading` (the bulk writes), `baseline` (the
brute-force scoring), `measurement` (the timed loop), `__main__` (options and report).
"""
