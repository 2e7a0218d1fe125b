"""Login and logout go to the audit log (a signal only records; it decides nothing)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from wangge.accounts import audit


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action="auth.logout", obj=user)
