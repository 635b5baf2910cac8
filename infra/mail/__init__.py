"""E-mail, the channel: the branded, localised message and its delivery over SMTP.

    message   the branded, localised message (text and HTML parts)
    smtp      delivery over SMTP, as configured in `Settings`
    sink      an SMTP server that keeps what it receives (`ithaca mail-sink`, tests)

What is sent, when and to whom is decided by the scheduler (`infra.scheduling`) and the
deliverer (`infra.delivery`).
"""
