"""Enumerations of the relationship network."""

from django.db import models


class RelationshipKind(models.TextChoices):
    COLLEAGUE = "colleague", "Colleague"
    FORMER_COLLEAGUE = "former_colleague", "Former colleague"
    CLIENT_CONTACT = "client_contact", "Client contact"
    PARTNER = "partner", "Partner or vendor"
    FRIEND = "friend", "Friend"
    INVESTOR = "investor", "Investor or board"
    SOCIAL = "social", "Social connection"


class EvidenceSource(models.TextChoices):
    # Values match warmline.network.strength.EvidenceSource.
    LINKEDIN = "linkedin", "LinkedIn import"
    CONTACTS = "contacts", "Contact import"
    VCARD = "vcard", "vCard"
    INTERACTION = "interaction", "Logged interaction"
    SHARED_EMPLOYER = "shared_employer", "Shared employer"
    MANUAL = "manual", "Recorded by hand"


class InteractionKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    # An introduction we made for them: what we give back, against what they gave us.
    INTRODUCTION = "introduction", "We introduced them to someone"


class Seniority(models.TextChoices):
    C_LEVEL = "c_level", "C-level"
    VP = "vp", "VP"
    DIRECTOR = "director", "Director"
    MANAGER = "manager", "Manager"
    SENIOR = "senior", "Senior individual contributor"
    ENTRY = "entry", "Individual contributor"


class CompanyRelation(models.TextChoices):
    """What a company is to us: decides who counts as a client or a partner when we look for sources."""

    NONE = "", "No relationship yet"
    PROSPECT = "prospect", "Prospect"
    CLIENT = "client", "Client"
    FORMER_CLIENT = "former_client", "Former client"
    PARTNER = "partner", "Partner"
    VENDOR = "vendor", "Vendor"


class Health(models.TextChoices):
    """Account health as the client team rates it."""

    NONE = "", "Not rated"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    AT_RISK = "at_risk", "At risk"


class SizeBand(models.TextChoices):
    S1 = "1-10", "1–10"
    S2 = "11-50", "11–50"
    S3 = "51-200", "51–200"
    S4 = "201-500", "201–500"
    S5 = "501-1000", "501–1,000"
    S6 = "1001-5000", "1,001–5,000"
    S7 = "5001-10000", "5,001–10,000"
    S8 = "10001+", "10,001+"


SIZE_BAND_FLOORS = [(10001, SizeBand.S8), (5001, SizeBand.S7), (1001, SizeBand.S6), (501, SizeBand.S5),
                    (201, SizeBand.S4), (51, SizeBand.S3), (11, SizeBand.S2), (1, SizeBand.S1)]


def size_band_for(employee_count: int | None) -> str:
    if not employee_count:
        return ""
    return next(band for floor, band in SIZE_BAND_FLOORS if employee_count >= floor)


class ImportFormat(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn Connections.csv"
    HUBSPOT = "hubspot", "HubSpot contacts export"
    SALESFORCE = "salesforce", "Salesforce contacts export"
    GOOGLE = "google", "Google Contacts CSV"
    GENERIC = "generic", "Other CSV, with a column mapping"
    VCARD = "vcard", "vCard (.vcf)"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "To review"
    MERGED = "merged", "Merged"
    KEPT_APART = "kept_apart", "Kept apart"
