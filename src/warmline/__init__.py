"""Warmline: a referral-selling system for B2B sales teams."""

__version__ = "0.1.0"
