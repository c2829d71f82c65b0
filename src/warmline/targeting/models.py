"""Ideal customer profiles, and the workspace's templates for the specific ask."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from warmline.core.models import WorkspaceScoped
from warmline.targeting import fit


class ScriptKind(models.TextChoices):
    """The two drafts of a specific ask; the values are targeting.scripts.KINDS."""

    TALKING_POINTS = "talking_points", "Talking points"
    INTRO_TEXT = "intro_text", "Introduction text"


class IdealCustomerProfile(WorkspaceScoped):
    """Whom we want to meet, on six weighted dimensions; a workspace may keep one per product line."""

    name = models.CharField(max_length=80)
    who = models.CharField(max_length=120, blank=True, help_text="The people, in a few words: 'CFOs'.")
    summary = models.CharField(max_length=300, blank=True,
                               help_text="The profile in one sentence; written from the criteria when empty.")
    industries = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)
    cities = models.JSONField(default=list, blank=True)
    size_min = models.PositiveIntegerField(null=True, blank=True)
    size_max = models.PositiveIntegerField(null=True, blank=True)
    functions = models.JSONField(default=list, blank=True)
    seniorities = models.JSONField(default=list, blank=True)
    traits = models.TextField(blank=True, help_text="The type of person, in words.")
    trait_tags = models.JSONField(default=list, blank=True)
    need = models.CharField(max_length=200, blank=True, help_text="The situation or problem we solve, in words.")
    need_keywords = models.JSONField(default=list, blank=True)
    weights = models.JSONField(default=dict, blank=True)
    threshold = models.PositiveSmallIntegerField(default=60, help_text="The score from which someone is a good fit.")
    archived = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="icp_unique_name_ci"),
            models.CheckConstraint(condition=Q(threshold__lte=100), name="icp_threshold_0_100"),
            models.CheckConstraint(
                condition=Q(size_min__isnull=True) | Q(size_max__isnull=True) | Q(size_min__lte=models.F("size_max")),
                name="icp_size_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def criteria(self) -> fit.Profile:
        return fit.Profile(
            industries=tuple(self.industries), countries=tuple(self.countries), regions=tuple(self.regions),
            cities=tuple(self.cities), size_min=self.size_min, size_max=self.size_max,
            functions=tuple(self.functions), seniorities=tuple(self.seniorities),
            trait_tags=tuple(self.trait_tags), need_keywords=tuple(self.need_keywords),
            weights={**fit.DEFAULT_WEIGHTS, **self.weights},
        )

    @property
    def sentence(self) -> str:
        return self.summary or fit.sentence(self.criteria(), who=self.who, need=self.need)

    def weight(self, dimension: str) -> int:
        return self.criteria().weight(dimension)


class AskTemplate(WorkspaceScoped):
    """A workspace's own wording of the talking points or the introduction text; absent means the default."""

    kind = models.CharField(max_length=16, choices=ScriptKind.choices)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind"], name="asktemplate_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=ScriptKind.values), name="asktemplate_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
