"""The referral database: companies, people, relationships with evidence, interactions, imports, merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from warmline.core.models import Membership, Workspace, WorkspaceScoped
from warmline.network.choices import (
    CompanyRelation,
    EvidenceSource,
    Health,
    ImportFormat,
    ImportStatus,
    InteractionKind,
    RelationshipKind,
    ReviewStatus,
    Seniority,
    SizeBand,
)


def _unindexed_workspace():
    """The workspace column of a big table whose composite indexes already start with it."""
    return models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)


def _unindexed_creator():
    """Who created a row of a big table: kept, but never searched by, so not indexed."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )


def with_key(queryset, column: str):
    """Restrict to rows where `column` is not '', written exactly as the partial unique index's predicate.

    SQLite uses a partial index only when the query repeats its WHERE term; a bound
    parameter (Django's `~Q(column="")`) does not count, and a lookup by LinkedIn
    profile or domain would scan the whole workspace.
    """
    return queryset.extra(where=[f'NOT ("{column}" = \'\')'])


class Company(WorkspaceScoped):
    """An organisation. Unique by normalised domain, or by normalised name when it has no domain."""

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, help_text="Normalised name: 'Acme, Inc.' → 'acme'.")
    domain = models.CharField(max_length=253, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    size_band = models.CharField(max_length=12, choices=SizeBand.choices, blank=True)
    country = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    tags = models.JSONField(default=list, blank=True)
    relation = models.CharField(max_length=14, choices=CompanyRelation.choices, blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True,
                                           help_text="The client's latest answer to 'would you recommend us', 0–10.")
    health = models.CharField(max_length=8, choices=Health.choices, blank=True)

    class Meta:
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "domain"], condition=~Q(domain=""), name="company_unique_domain"
            ),
            models.UniqueConstraint(
                fields=["workspace", "name_key"], condition=Q(domain=""), name="company_unique_name_without_domain"
            ),
            models.CheckConstraint(condition=~Q(name_key=""), name="company_name_key_not_empty"),
            models.CheckConstraint(condition=Q(nps__isnull=True) | Q(nps__lte=10), name="company_nps_0_10"),
            models.CheckConstraint(condition=Q(relation__in=CompanyRelation.values), name="company_relation_valid"),
            models.CheckConstraint(condition=Q(health__in=Health.values), name="company_health_valid"),
        ]
        indexes = [models.Index(fields=["workspace", "name_key"])]

    def __str__(self) -> str:
        return self.name

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


class Person(WorkspaceScoped):
    """Someone in the graph: a contact, a client, a partner, or one of our own employees."""

    workspace = _unindexed_workspace()
    created_by = _unindexed_creator()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    full_name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, blank=True)
    block_key = models.CharField(max_length=120, blank=True, help_text="Candidate key for fuzzy matching.")
    linkedin_url = models.CharField(max_length=400, blank=True)
    linkedin_slug = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=200, blank=True)
    function = models.CharField(max_length=120, blank=True, help_text="Business unit or function.")
    seniority = models.CharField(max_length=10, choices=Seniority.choices, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    country = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    # Traits, for the "type of person" of an ideal customer profile: "early adopter", "board member".
    tags = models.JSONField(default=list, blank=True)
    # They asked us not to ask them for introductions: never on a call list.
    do_not_ask = models.BooleanField(default=False)
    # Employees are people in the graph too.
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    # False while the person is known only through employees' imported networks, whose
    # owners decide who may see them; True once the workspace knows them another way.
    listed = models.BooleanField(default=True)
    # Set when this record was merged into another; merged records are hidden everywhere.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "linkedin_slug"], condition=~Q(linkedin_slug=""), name="person_unique_slug"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "block_key"]),
            # Rows that carry a LinkedIn profile only look for candidates that have none.
            models.Index(fields=["workspace", "block_key"], condition=Q(linkedin_slug=""), name="person_block_no_slug"),
            models.Index(fields=["workspace", "full_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


class PersonEmail(models.Model):
    """An email address of a person, normalised; one person per address in a workspace."""

    workspace = _unindexed_workspace()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emails")
    email = models.CharField(max_length=254)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "email"], name="personemail_unique")]

    def __str__(self) -> str:
        return self.email


class ExternalId(models.Model):
    """A CRM's id for a person or a company, kept so that a re-import updates in place."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    system = models.CharField(max_length=20)  # hubspot, salesforce, google, generic, vcard
    value = models.CharField(max_length=200)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="external_ids")
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="external_ids"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, company__isnull=True) | Q(person__isnull=True, company__isnull=False),
                name="externalid_one_subject",
            ),
            models.UniqueConstraint(
                fields=["workspace", "system", "value"], condition=Q(person__isnull=False),
                name="externalid_unique_person",
            ),
            models.UniqueConstraint(
                fields=["workspace", "system", "value"], condition=Q(company__isnull=False),
                name="externalid_unique_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


class Relationship(WorkspaceScoped):
    """Two people who know each other, how, and how well. Stored once per pair (person_a has the lower id)."""

    workspace = _unindexed_workspace()
    created_by = _unindexed_creator()
    # Indexed by the pair constraint (person_a first) and by person_b's own index.
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices, default=RelationshipKind.SOCIAL)
    # The employee whose network this is; their sharing choice decides who sees it.
    # Null for ties between outside people and between two employees: workspace knowledge.
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    how_they_know = models.TextField(blank=True)
    strength = models.FloatField(default=0.0)
    strength_reason = models.CharField(max_length=300, blank=True)
    manual_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    # The date of the newest evidence: how recent the path through this tie is (paths.ranking).
    last_evidence_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="relationship_unique_pair"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="relationship_ordered_pair"),
            models.CheckConstraint(condition=Q(kind__in=RelationshipKind.values), name="relationship_kind_valid"),
            models.CheckConstraint(
                condition=Q(manual_rating__isnull=True) | Q(manual_rating__gte=1, manual_rating__lte=5),
                name="relationship_rating_1_to_5",
            ),
            models.CheckConstraint(condition=Q(strength__gte=0, strength__lte=1), name="relationship_strength_0_1"),
        ]
        indexes = [models.Index(fields=["workspace", "owner"])]

    def __str__(self) -> str:
        return f"{self.person_a_id}–{self.person_b_id} ({self.kind})"

    def other(self, person_id: int) -> int:
        return self.person_b_id if self.person_a_id == person_id else self.person_a_id


class Evidence(models.Model):
    """One reason to believe a relationship exists: an import row, an interaction, a shared employer, a note."""

    # Read through its relationship; only whole-workspace counts and deletes scan by workspace.
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by the unique key constraint, which starts with it.
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="evidence", db_index=False)
    source = models.CharField(max_length=20, choices=EvidenceSource.choices)
    on = models.DateField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    months = models.PositiveIntegerField(null=True, blank=True, help_text="Shared employer: overlap in months.")
    ended_on = models.DateField(null=True, blank=True, help_text="Shared employer: when the overlap ended.")
    # Makes evidence idempotent: a re-import or a re-derivation finds the same key.
    key = models.CharField(max_length=200)
    import_run = models.ForeignKey(
        "ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _unindexed_creator()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "source", "key"], name="evidence_unique_key"),
            models.CheckConstraint(condition=Q(source__in=EvidenceSource.values), name="evidence_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.detail}"


class Interaction(WorkspaceScoped):
    """A meeting, call or email between one of our users and a person."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="interactions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=12, choices=InteractionKind.choices)
    occurred_on = models.DateField()
    summary = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["person", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class Employment(WorkspaceScoped):
    """A position in someone's employment history; overlaps at one employer become ties."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="employments")
    title = models.CharField(max_length=200, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="Empty while the position is current.")

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="employment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["company"])]

    def __str__(self) -> str:
        return f"{self.person} at {self.company}"


class ImportRun(WorkspaceScoped):
    """One import of a file: queued from the UI or API and run by the worker, or run directly by the CLI."""

    format = models.CharField(max_length=12, choices=ImportFormat.choices)
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    # The uploaded file, kept until the run finishes.
    payload = models.BinaryField(blank=True, default=b"")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    stage = models.CharField(max_length=60, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "imports"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_format_display()} import {self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class MatchCandidate(WorkspaceScoped):
    """Two people who may be the same, waiting for someone to merge them or keep them apart."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    decided_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "review pairs"
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="matchcandidate_unique_pair"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="matchcandidate_ordered_pair"),
        ]
        indexes = [models.Index(fields=["workspace", "status"])]


class Merge(WorkspaceScoped):
    """A merge of one person into another, with the journal that lets it be undone."""

    kept = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list)
    automatic = models.BooleanField(default=False)
    journal = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]


class GraphChange(models.Model):
    """People, relationships or members' sharing changed: written in the transaction that changed them.

    The warm-path index (paths/index.py) reads these to refresh itself without reloading the graph.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now)
    people = models.JSONField(default=list)
    relationships = models.JSONField(default=list)
    # Who is an employee, or who shares what, changed.
    members = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workspace", "id"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"change {self.pk} in workspace {self.workspace_id}"
