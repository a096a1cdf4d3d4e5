"""Build yesterday's progress report for every school and mail it."""
import csv
import io
import logging
import os
import smtplib

import psycopg2

logging.basicConfig(filename="/var/log/legacy-reports/nightly.log", level=logging.INFO)


def main() -> None:
    # Credentials come from /etc/legacy-reports/env (root-readable, not in git).
    conn = psycopg2.connect(os.environ["CLASSROOM_REPLICA_DSN"])
    with conn, conn.cursor() as cur:
        cur.execute("SELECT school_id, admin_email FROM schools WHERE reports_enabled")
        for school_id, admin_email in cur.fetchall():
            send_report(cur, school_id, admin_email)


if __name__ == "__main__":
    main()
