"""The demo company: Northwind Analytics, a B2B analytics vendor with three
sales teams, their managers, and colleagues across the business whose
networks count too. Later apps add their own demo data on top."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from warmline.core.choices import Channel, Role
from warmline.core.models import Membership, Team, TeamMember, TeamSpell, User, Workspace

DEMO_SLUG = "northwind"
DEMO_ADMIN_EMAIL = "admin@example.com"

# (full name, email local part, role, title, department, team)
PEOPLE = [
    ("Alex Morgan", "admin", Role.ADMIN, "Revenue Operations Lead", "Revenue Operations", None),
    ("Dana Lee", "dana.lee", Role.MANAGER, "VP Sales", "Sales", None),
    ("Marcus Webb", "marcus.webb", Role.MANAGER, "Sales Manager, Enterprise East", "Sales", "Enterprise East"),
    ("Sofia Alvarez", "sofia.alvarez", Role.MANAGER, "Sales Manager, Enterprise West", "Sales", "Enterprise West"),
    ("Ken Okafor", "ken.okafor", Role.MANAGER, "Sales Manager, Mid-Market", "Sales", "Mid-Market"),
    ("Priya Raman", "priya.raman", Role.REP, "Account Executive", "Sales", "Enterprise East"),
    ("Tom Becker", "tom.becker", Role.REP, "Account Executive", "Sales", "Enterprise East"),
    ("Aisha Khan", "aisha.khan", Role.REP, "Senior Account Executive", "Sales", "Enterprise East"),
    ("Lucas Martin", "lucas.martin", Role.REP, "Account Executive", "Sales", "Enterprise West"),
    ("Hannah Schultz", "hannah.schultz", Role.REP, "Senior Account Executive", "Sales", "Enterprise West"),
    ("Diego Santos", "diego.santos", Role.REP, "Account Executive", "Sales", "Enterprise West"),
    ("Emily Chen", "emily.chen", Role.REP, "Account Executive", "Sales", "Mid-Market"),
    ("Noah Johnson", "noah.johnson", Role.REP, "Account Executive", "Sales", "Mid-Market"),
    ("Grace Park", "grace.park", Role.REP, "Account Executive", "Sales", "Mid-Market"),
    ("Oliver Brown", "oliver.brown", Role.REP, "Sales Development Rep", "Sales", "Mid-Market"),
    ("Catherine Hughes", "catherine.hughes", Role.REP, "Chief Executive Officer", "Executive", None),
    ("Robert Kim", "robert.kim", Role.REP, "Chief Financial Officer", "Finance", None),
    ("Fatima Noor", "fatima.noor", Role.REP, "Chief Technology Officer", "Engineering", None),
    ("James O'Neill", "james.oneill", Role.REP, "VP Customer Success", "Customer Success", None),
    ("Laura Rossi", "laura.rossi", Role.REP, "Customer Success Manager", "Customer Success", None),
    ("Samuel Adeyemi", "samuel.adeyemi", Role.REP, "Customer Success Manager", "Customer Success", None),
    ("Mia Fischer", "mia.fischer", Role.REP, "Support Specialist", "Customer Success", None),
    ("Ethan Wright", "ethan.wright", Role.REP, "Solutions Engineer", "Sales Engineering", None),
    ("Chloe Dubois", "chloe.dubois", Role.REP, "Solutions Engineer", "Sales Engineering", None),
    ("Benjamin Cohen", "benjamin.cohen", Role.REP, "Staff Engineer", "Engineering", None),
    ("Yuki Tanaka", "yuki.tanaka", Role.REP, "Senior Engineer", "Engineering", None),
    ("Isabel Moreno", "isabel.moreno", Role.REP, "Product Manager", "Product", None),
    ("Daniel Novak", "daniel.novak", Role.REP, "Head of Product", "Product", None),
    ("Zoe Williams", "zoe.williams", Role.REP, "VP Marketing", "Marketing", None),
    ("Ravi Patel", "ravi.patel", Role.REP, "Demand Generation Manager", "Marketing", None),
    ("Ana Costa", "ana.costa", Role.REP, "Partner Manager", "Partnerships", None),
    ("Henry Walsh", "henry.walsh", Role.REP, "Channel Partner Lead", "Partnerships", None),
    ("Olga Ivanova", "olga.ivanova", Role.REP, "Financial Controller", "Finance", None),
    ("Peter Lindqvist", "peter.lindqvist", Role.REP, "Office Manager", "Operations", None),
    ("Nadia Haddad", "nadia.haddad", Role.REP, "People Partner", "People", None),
    ("Victor Mensah", "victor.mensah", Role.REP, "IT Administrator", "Operations", None),
    ("Julia Becker", "julia.becker", Role.REP, "Legal Counsel", "Legal", None),
    ("Sean Murphy", "sean.murphy", Role.REP, "Data Analyst", "Revenue Operations", None),
]

TEAM_MANAGERS = {"Enterprise East": "marcus.webb", "Enterprise West": "sofia.alvarez", "Mid-Market": "ken.okafor"}


@dataclass
class DemoWorkspace:
    workspace: Workspace
    members: dict[str, Membership]
    teams: dict[str, Team]


def email_for(local: str) -> str:
    return f"{local}@example.com"


@transaction.atomic
def populate(password: str) -> DemoWorkspace:
    workspace = Workspace.objects.create(name="Northwind Analytics", slug=DEMO_SLUG)
    hashed = make_password(password)  # once: hashing is deliberately slow
    users = {}
    for full_name, local, *_ in PEOPLE:
        user = User.objects.filter(email=email_for(local)).first()
        if user is None:
            user = User.objects.create(email=email_for(local), full_name=full_name, password=hashed)
        users[local] = user
    admin = users["admin"]
    members = {
        local: Membership.objects.create(
            workspace=workspace, user=users[local], role=role, title=title, department=department,
            created_by=admin, created_via=Channel.DEMO,
        )
        for _, local, role, title, department, _team in PEOPLE
    }
    teams = {
        name: Team.objects.create(
            workspace=workspace, name=name, manager=members[manager], created_by=admin, created_via=Channel.DEMO
        )
        for name, manager in TEAM_MANAGERS.items()
    }
    TeamMember.objects.bulk_create(
        TeamMember(workspace=workspace, team=teams[team], membership=members[local], created_by=admin, created_via=Channel.DEMO)
        for _, local, _role, _title, _dept, team in PEOPLE
        if team is not None
    )
    TeamSpell.objects.bulk_create(
        TeamSpell(workspace=workspace, team=teams[team], membership=members[local])
        for _, local, _role, _title, _dept, team in PEOPLE
        if team is not None
    )
    return DemoWorkspace(workspace, members, teams)
