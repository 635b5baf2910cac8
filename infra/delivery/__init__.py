"""Delivery: telling members, on each channel they chose (e-mail, SMS, the notification centre),
and the record of what the platform told whom."""
