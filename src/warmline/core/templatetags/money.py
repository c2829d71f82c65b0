"""{% money amount currency %}: an amount in minor units shown in its currency ('€12,500.50')."""

from django import template

from warmline.core.money import format_money

register = template.Library()


@register.simple_tag
def money(minor, currency, cents=True) -> str:
    if minor is None or minor == "":
        return ""
    return format_money(int(minor), currency, cents=cents)


@register.filter
def duration(seconds) -> str:
    """3h 20m, 2d 4h, 45m: how long something took."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"
