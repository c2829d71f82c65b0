"""The demo relationship network of Northwind Analytics, a B2B analytics vendor selling to finance and ops leaders.

About 300 companies and 4,000 people, loaded the way a real workspace fills up:

1. the workspace's accounts (companies with industry, size, location and tags) are saved by service;
2. every employee's LinkedIn Connections.csv, generated in memory in LinkedIn's current layout (with the
   Notes preamble and a few real-world quirks), goes through the real import; colleagues share about a
   third of their contacts, so those resolve to one person with several relationships;
3. one Salesforce contacts export (company data, no owner) of client contacts, with accounts and
   reporting lines; some rows carry no LinkedIn address and meet a LinkedIn contact only by name and
   company, so the fuzzy matcher merges most of them and leaves a handful in the review queue;
4. then by service: employment histories (shared employers become ties), logged meetings, calls and
   emails, hand-recorded ties between outside people, a few ratings, and three sharing choices.

Everything comes from one seeded random.Random, so two loads give the same network (dates are relative
to today). Nothing here touches the network or prints.
"""

from __future__ import annotations

import csv
import io
import math
import random
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from warmline.core.choices import Channel, Sharing
from warmline.core.demo import PEOPLE, DemoWorkspace
from warmline.core.models import Membership
from warmline.network import importing, resolution, services
from warmline.network.choices import ImportFormat, InteractionKind, RelationshipKind
from warmline.network.models import Company, ExternalId, ImportRun, Person, Relationship

SEED = 20260611

# --- companies -----------------------------------------------------------------------------------

# (industry, weight, name suffixes, employee-count median)
INDUSTRIES = [
    ("Logistics & Transportation", 14, ["Freight", "Logistics", "Transport", "Shipping", "Cargo", "Distribution",
                                        "Fleet Services", "Supply Chain"], 1800),
    ("Manufacturing", 16, ["Manufacturing", "Industries", "Components", "Precision", "Fabrication", "Plastics",
                           "Materials", "Machinery", "Packaging", "Metalworks"], 1500),
    ("Healthcare", 12, ["Health", "Medical", "Health Partners", "Clinics", "Diagnostics", "Care", "Pharma",
                        "BioSciences"], 2500),
    ("Fintech", 8, ["Pay", "Payments", "Financial", "Lending", "Ledger", "Treasury"], 600),
    ("Retail & E-commerce", 11, ["Outfitters", "Home", "Market", "Goods", "Brands", "Apparel", "Stores"], 2200),
    ("Software & SaaS", 12, ["Software", "Labs", "Cloud", "Systems", "Technologies", "Data"], 450),
    ("Energy & Utilities", 7, ["Energy", "Power", "Renewables", "Solar", "Utilities", "Grid"], 3000),
    ("Food & Beverage", 6, ["Foods", "Farms", "Brewing", "Provisions", "Beverage"], 1200),
    ("Insurance", 4, ["Insurance", "Mutual", "Assurance", "Underwriters"], 3500),
    ("Construction & Real Estate", 3, ["Construction", "Builders", "Properties"], 900),
]
PROFESSIONAL_SERVICES = "Professional Services"
VENTURE_CAPITAL = "Venture Capital"
OPERATIONS_HEAVY = {"Logistics & Transportation", "Manufacturing", "Retail & E-commerce", "Food & Beverage",
                    "Energy & Utilities"}

ROOTS = """
Acorn Alder Alderbrook Amberly Anchorpoint Arbordale Ardent Argent Ashcombe Ashford Aspenwood Auburn Avalon
Baywater Beaconfield Bellhaven Birchline Blackwater Bluefin Bluestem Boxwood Bramble Brightmoor Brightwave
Broadleaf Brookhollow Cairnfield Calder Canopy Capstone Cardinal Cascadia Cedarline Centerpoint Cinderford
Clearwater Cloverleaf Cobalt Cobblestone Copperline Coralbay Cornerstone Crescent Crestmark Crossbow Daybreak
Deerfield Driftwood Eastbrook Edgewater Elmstead Emberly Evergreen Fairhaven Falconridge Fernhill Fieldstone
Firebrand Flintridge Foxglove Frontier Galeway Garnet Glenmore Goldcrest Granitefall Greenbriar Greystone
Halcyon Harborline Hartfield Hawthorne Heathrow Highmark Hillcrest Hollowbrook Horizon Ironbridge Ironvale
Ivybridge Juniper Keelson Kestrel Keystone Kingsbridge Lakemont Lanternfish Larkspur Ledgerock Lindenwood
Lodestar Longview Lumenfield Maplewood Marlowe Meadowlark Meridian Millbrook Mistral Monarch Moonstone
Northbeam Northgate Oakhurst Oakridge Onyx Orchardly Osprey Palisade Parkline Pathway Pebblebrook Pinecrest
Pioneer Polaris Prairieview Quarrystone Quillon Radiant Redcliff Redwood Ridgeway Riverbend Rockport
Rosewood Sablewood Saltmarsh Sandstone Sawtooth Seabright Shoreline Silverline Skyward Southport Sparrowhawk
Springvale Stillwater Stonebridge Sunbury Tallgrass Tamarack Thistle Thornbury Tidewater Timberline Trailhead
Trident Truenorth Twinbrook Upland Valewood Vantage Verdant Westbrook Westfield Whitecap Wildrose Willowmere
Windward Wolfpine Yellowfield Zephyr
""".split()

PARTNER_FIRMS = [
    "Whitlock & Dunn", "Halvorsen Pike Advisory", "Bramwell Consulting", "Castellan Partners", "Ashby Reed",
    "Fenwick Row Advisors", "Gallant & Shore", "Kinsley Moravec", "Northcote Finance Advisory",
    "Prentiss Lowe Consulting", "Quayle & Hart", "Sterling Marsh Partners", "Verity Oakes", "Woodhall Advisory",
]
VENTURE_FIRMS = [
    "Cinder Peak Ventures", "Longmeadow Capital Partners", "Foundry Lane Ventures", "Harbinger Growth Partners",
    "Red Kite Ventures", "Sextant Capital", "Tallpine Ventures", "Wayfarer Growth Equity",
]
# People at companies the workspace has no record of: the import creates these from the name alone.
LONG_TAIL = [
    "Hartwell & Finch CPAs", "Birchwood Family Office", "Quill Street Consulting", "Marlow Advisory",
    "Blue Heron Bookkeeping", "Two Rivers Credit Union", "Kessler Family Dental", "Greenline Landscaping",
    "Orchard Lane Bakery", "Tallgrass Brewing Cooperative", "Lakeside Community College",
    "Midwest Finance Executives Network", "Redwood Coast Realty", "Independent Consultant", "Stealth Startup",
    "Harbor & Vine Hospitality", "Sunrise Senior Living Partners", "Copper Kettle Restaurants",
    "Prairie State Logistics", "Old Mill Capital", "Beacon Hill Property Management", "Lakeshore Pediatrics",
    "Fjord Analytics ApS", "Kanal Digital B.V.", "Brückner Steuerberatung", "Thames Valley Accountancy Ltd",
    "Maple Leaf Freight Brokers", "Civic Data Collective", "The Ledger Club", "Cobalt Coast Ventures",
    "Summit County Schools", "Riverside Medical Billing", "Northern Lights Solar Co-op", "Amsel & Partner",
    "Pacific Crest Trading Co.",
]

# (country, share, [(city, region, weight)], top-level domain)
LOCATIONS = [
    ("United States", 62, [
        ("Chicago", "Illinois", 10), ("New York", "New York", 10), ("Boston", "Massachusetts", 5),
        ("San Francisco", "California", 6), ("Los Angeles", "California", 4), ("San Diego", "California", 2),
        ("Austin", "Texas", 4), ("Dallas", "Texas", 5), ("Houston", "Texas", 4), ("Atlanta", "Georgia", 5),
        ("Denver", "Colorado", 3), ("Seattle", "Washington", 4), ("Minneapolis", "Minnesota", 4),
        ("Columbus", "Ohio", 3), ("Cleveland", "Ohio", 2), ("Detroit", "Michigan", 3), ("Charlotte", "North Carolina", 3),
        ("Raleigh", "North Carolina", 2), ("Nashville", "Tennessee", 3), ("Phoenix", "Arizona", 3),
        ("Pittsburgh", "Pennsylvania", 2), ("Philadelphia", "Pennsylvania", 3), ("Milwaukee", "Wisconsin", 3),
        ("St. Louis", "Missouri", 2), ("Indianapolis", "Indiana", 2), ("Kansas City", "Missouri", 2),
        ("Salt Lake City", "Utah", 2), ("Miami", "Florida", 2), ("Memphis", "Tennessee", 2),
    ], "com"),
    ("United Kingdom", 12, [
        ("London", "England", 12), ("Manchester", "England", 4), ("Birmingham", "England", 3), ("Leeds", "England", 2),
        ("Bristol", "England", 2), ("Edinburgh", "Scotland", 2), ("Glasgow", "Scotland", 1), ("Cardiff", "Wales", 1),
    ], "co.uk"),
    ("Germany", 9, [
        ("Berlin", "Berlin", 4), ("Munich", "Bavaria", 4), ("Hamburg", "Hamburg", 3), ("Frankfurt", "Hesse", 3),
        ("Stuttgart", "Baden-Württemberg", 2), ("Düsseldorf", "North Rhine-Westphalia", 2),
        ("Cologne", "North Rhine-Westphalia", 2),
    ], "de"),
    ("Netherlands", 6, [
        ("Amsterdam", "North Holland", 5), ("Rotterdam", "South Holland", 3), ("Utrecht", "Utrecht", 2),
        ("Eindhoven", "North Brabant", 2), ("The Hague", "South Holland", 1),
    ], "nl"),
    ("Canada", 8, [
        ("Toronto", "Ontario", 6), ("Vancouver", "British Columbia", 3), ("Montreal", "Quebec", 3),
        ("Calgary", "Alberta", 2), ("Ottawa", "Ontario", 1),
    ], "ca"),
    ("Ireland", 2, [("Dublin", "Leinster", 1)], "ie"),
    ("France", 1, [("Paris", "Île-de-France", 1)], "fr"),
]
LEGAL_FORMS = {"United States": ["Inc.", "LLC", "Corp."], "United Kingdom": ["Ltd", "PLC"], "Germany": ["GmbH", "AG"],
               "Netherlands": ["B.V.", "N.V."], "Canada": ["Inc.", "Ltd."], "Ireland": ["Ltd"], "France": ["SAS"]}

US_REGIONS = {
    "midwest": {"Illinois", "Ohio", "Michigan", "Wisconsin", "Minnesota", "Indiana", "Missouri"},
    "northeast": {"New York", "Massachusetts", "Pennsylvania"},
    "west": {"California", "Washington", "Colorado", "Utah", "Arizona"},
    "south": {"Texas", "Georgia", "North Carolina", "Tennessee", "Florida"},
}

# --- people ----------------------------------------------------------------------------------------

FIRST_NAMES = {
    "us": """James Michael Robert John David William Richard Joseph Thomas Christopher Charles Daniel Matthew Anthony
        Mark Steven Andrew Joshua Kevin Brian Ryan Jason Eric Jacob Nicholas Jonathan Justin Brandon Samuel Gregory
        Patrick Scott Tyler Aaron Nathan Adam Zachary Peter Kyle Ethan Jeremy Sean Derek Trevor Colin Grant Logan
        Caleb Owen Wesley Mitchell Spencer Travis Dylan Evan Garrett Blake Mary Jennifer Linda Elizabeth Susan
        Jessica Sarah Karen Lisa Nancy Margaret Ashley Emily Michelle Amanda Melissa Stephanie Rebecca Laura Rachel
        Heather Megan Lauren Kimberly Nicole Christina Samantha Katherine Amy Angela Erin Allison Courtney Kelly
        Brittany Danielle Caroline Meredith Whitney Lindsay Jillian Kristen Molly Claire Abigail Natalie Madison
        Olivia Victoria Andrea Julie Diane Monica Vanessa Alicia Tiffany Erica Brooke Jenna Kayla Morgan""",
    "hispanic": """Carlos Luis Jorge Miguel José Alejandro Javier Ricardo Eduardo Fernando Roberto Andrés Mateo
        Gabriel Rafael Héctor María Carmen Ana Lucía Sofía Valeria Daniela Gabriela Isabela Elena Paula Camila
        Mariana Adriana Ximena Beatriz""",
    "south_asian": """Raj Arjun Vikram Anil Sanjay Rohit Amit Rahul Nikhil Karthik Suresh Deepak Ankit Vivek Pranav
        Pooja Anjali Neha Kavya Divya Meera Shreya Lakshmi Sunita Ritu Aditi Nisha Priyanka Swati""",
    "east_asian": """Wei Jun Hao Min Jian Hiroshi Kenji Takeshi Daisuke Minjun Jiho Seo-yeon Mei Lin Xiaoling Yuna
        Haruka Aiko Ji-woo Hyun Thanh Linh Quang Jia Yifan""",
    "african": """Kwame Chidi Oluwaseun Tunde Kofi Emeka Jelani Themba Obinna Kwabena Amara Ngozi Chiamaka Adaeze
        Zainab Folake Imani Abena Nneka Efua""",
    "middle_eastern": """Omar Ahmed Karim Tariq Yusuf Hassan Amir Reza Darius Khalid Layla Yasmin Leila Noor Rania
        Samira Dalia Farah Shirin Nadia""",
    "european": """Lars Sven Erik Henrik Nils Pierre Julien Antoine Luca Matteo Marco Piotr Tomasz Łukasz Dmitri
        Nikolai Ciaran Declan Søren Ingrid Astrid Freya Camille Céline Margaux Giulia Francesca Chiara Agnieszka
        Katarzyna Magdalena Anastasia Irina Siobhan Aoife Niamh Zoë""",
    "uk": """Oliver Harry George Jack Charlie Alfie Archie Freddie Rhys Callum Ewan Hamish Alastair Rupert Fiona
        Imogen Harriet Poppy Eleanor Charlotte Amelia Georgina Philippa Rosie Lucy Gemma Kirsty Bethan""",
    "de": """Jürgen Matthias Tobias Florian Stefan Andreas Markus Christian Sebastian Jan Lukas Felix Maximilian
        Moritz Jörg Uwe Katrin Anja Sabine Julia Lena Nina Franziska Johanna Miriam Annika Carolin Svenja
        Birgit Ute""",
    "nl": """Daan Sem Bram Joost Pieter Thijs Ruben Sander Jeroen Maarten Wouter Femke Sanne Lotte Anouk Eva Iris
        Marloes Esther Floor Noor Marieke""",
}
LAST_NAMES = {
    "us": """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin
        Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker
        Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Rogers
        Reed Cook Bell Bailey Cooper Richardson Cox Howard Ward Peterson Gray Watson Brooks Kelly Sanders Price
        Bennett Wood Barnes Ross Henderson Coleman Jenkins Perry Powell Long Patterson Washington Butler Simmons
        Foster Bryant Russell Griffin Hayes Myers Ford Hamilton Graham Sullivan Wallace Woods Cole West Jordan Owens
        Reynolds Fisher Ellis Harrison Gibson McDonald Marshall Wells Tucker Porter Hunter Hicks Crawford Boyd
        Mason Warren Dixon Burns Gordon Shaw Holmes Rice Hunt Black Daniels Palmer Mills Knight Ferguson Stone
        Hawkins Dunn Perkins Hudson Stephens Pierce Fletcher Caldwell Lawson Holland Chambers Whitaker Gallagher
        O'Brien O'Connor McCarthy Donovan Brennan Kowalski Hoffman Lindgren Larsen Olsen Goldberg Rosen Katz
        Friedman Schwartz Weiss Kaplan Levine""",
    "hispanic": """Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera
        Gomez Diaz Reyes Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Mendoza Vargas Castillo Jiménez Herrera
        Medina Aguilar Vega Castro Navarro Delgado Romero Salazar Cabrera Ibáñez Peña Núñez Fuentes""",
    "south_asian": """Patel Shah Mehta Sharma Gupta Singh Kumar Reddy Rao Iyer Nair Menon Desai Joshi Kapoor
        Malhotra Chopra Bhatt Agarwal Banerjee Chatterjee Mukherjee Krishnan Subramanian Venkatesh Pillai Verma
        Srinivasan Ghosh Bose""",
    "east_asian": """Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Lin Kim Lee Park Choi Jung Kang Cho Yoon
        Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Sato Nguyen Tran Pham Hoang Wong Chan Ng Leung
        Lau Huynh Vu""",
    "african": """Adeyemi Okonkwo Nwosu Eze Balogun Adebayo Oyelaran Asante Boateng Owusu Mwangi Kamau Otieno
        Ndlovu Dlamini Obi Onyango Achieng Osei Diallo""",
    "middle_eastern": """Haddad Khalil Nasser Saleh Hamdan Farouk Rahman Hussain Karimi Hosseini Rahimi Sadeghi
        Aziz Mansour Khoury Said Darwish Qureshi Hakimi Abboud""",
    "european": """Rossi Russo Ferrari Esposito Bianchi Romano Ricci Marino Greco Bruno Dubois Laurent Lefebvre
        Moreau Fournier Girard Bernard Petit Kowalczyk Wiśniewski Nowak Lewandowski Wójcik Ivanov Petrov Sokolov
        Popescu Horvath Nagy Papadopoulos Andersson Johansson Karlsson Nilsson Eriksson Hansen Jensen Nielsen
        Pedersen Virtanen Korhonen""",
    "uk": """Davies Evans Roberts Walsh Pritchard Llewellyn Fraser MacLeod Murray Robertson Sinclair Buchanan
        Ashworth Barraclough Whitfield Pemberton Fairclough Hargreaves Cartwright Holloway Ainsworth Wetherby
        Thornton Marsden Kershaw Bellamy Radcliffe Lockwood Hollis Brierley""",
    "de": """Müller Schmidt Schneider Weber Meyer Wagner Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf
        Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Lehmann
        Köhler Vogel Brandt Haas Kaiser Fuchs Scholz Jäger Seidel Winkler""",
}
# Dutch surnames have particles ('de', 'van der'), so they are listed one by one.
_NL_LAST = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
            "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
            "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "de Haan", "Vermeulen",
            "van den Heuvel", "Veenstra", "Kuipers"]
# Name origins by company country: (origin, weight).
ORIGINS = {
    "United States": [("us", 48), ("hispanic", 13), ("south_asian", 12), ("east_asian", 11), ("african", 5),
                      ("middle_eastern", 5), ("european", 6)],
    "Canada": [("us", 40), ("east_asian", 15), ("south_asian", 15), ("european", 12), ("uk", 8),
               ("middle_eastern", 5), ("african", 5)],
    "United Kingdom": [("uk", 50), ("us", 12), ("south_asian", 14), ("european", 12), ("african", 6),
                       ("middle_eastern", 4), ("east_asian", 2)],
    "Ireland": [("uk", 40), ("european", 35), ("us", 15), ("south_asian", 10)],
    "Germany": [("de", 70), ("european", 14), ("middle_eastern", 8), ("us", 4), ("east_asian", 4)],
    "Netherlands": [("nl", 68), ("european", 12), ("de", 6), ("middle_eastern", 8), ("uk", 6)],
    "France": [("european", 80), ("middle_eastern", 10), ("african", 10)],
}

LEVELS = ["c_level", "vp", "director", "manager", "senior", "entry"]
LEVEL_WEIGHTS = [8, 15, 24, 26, 14, 13]
RANK = {level: rank for rank, level in enumerate(LEVELS)}

TITLES = {
    "finance": {
        "c_level": ["Chief Financial Officer", "CFO", "CFO & Treasurer", "Chief Accounting Officer"],
        "vp": ["VP Finance", "Vice President, Finance", "SVP Finance", "VP, FP&A", "Head of Finance",
               "Head of FP&A", "VP Finance & Accounting"],
        "director": ["Finance Director", "Director of FP&A", "Corporate Controller", "Director of Accounting",
                     "Director, Financial Planning & Analysis", "Treasury Director", "Tax Director"],
        "manager": ["Controller", "FP&A Manager", "Accounting Manager", "Assistant Controller", "Finance Manager",
                    "Revenue Accounting Manager", "Treasury Manager"],
        "senior": ["Senior Financial Analyst", "Senior Accountant", "Senior FP&A Analyst", "Principal Financial Analyst"],
        "entry": ["Financial Analyst", "FP&A Analyst", "Staff Accountant", "Accounts Payable Specialist",
                  "Billing Analyst"],
    },
    "operations": {
        "c_level": ["Chief Operating Officer", "COO", "Chief Supply Chain Officer"],
        "vp": ["VP Operations", "Vice President of Supply Chain", "Head of Operations", "SVP Operations",
               "VP Logistics", "Head of Procurement"],
        "director": ["Director of Operations", "Supply Chain Director", "Director of Logistics",
                     "Director of Procurement", "Plant Director", "Director, Manufacturing Operations",
                     "Director of Distribution"],
        "manager": ["Operations Manager", "Logistics Manager", "Supply Chain Manager", "Procurement Manager",
                    "Plant Manager", "Demand Planning Manager", "Warehouse Operations Manager"],
        "senior": ["Senior Operations Analyst", "Senior Supply Chain Analyst", "Senior Buyer",
                   "Principal Operations Engineer"],
        "entry": ["Operations Analyst", "Supply Chain Analyst", "Buyer", "Logistics Coordinator", "Inventory Planner"],
    },
    "revops": {
        "c_level": ["Chief Revenue Officer", "CRO"],
        "vp": ["VP Sales", "VP Revenue Operations", "Head of RevOps", "VP Sales Operations", "Head of Sales"],
        "director": ["Director of Revenue Operations", "Sales Director", "Director, Sales Operations",
                     "Regional Sales Director"],
        "manager": ["RevOps Manager", "Sales Operations Manager", "Regional Sales Manager", "Revenue Operations Lead",
                    "Deal Desk Manager"],
        "senior": ["Senior Revenue Operations Analyst", "Senior Account Executive", "Senior Sales Ops Analyst"],
        "entry": ["Account Executive", "Sales Operations Analyst", "Business Development Representative",
                  "Revenue Analyst"],
    },
    "data": {
        "c_level": ["Chief Technology Officer", "CTO", "Chief Information Officer", "Chief Data Officer", "CIO"],
        "vp": ["VP Engineering", "Head of Data", "VP Data & Analytics", "Head of Business Intelligence",
               "VP Technology"],
        "director": ["Director of Data & Analytics", "Director of Engineering", "Director, Business Intelligence",
                     "IT Director", "Director of Data Engineering"],
        "manager": ["Data Engineering Manager", "BI Manager", "Engineering Manager", "Analytics Manager",
                    "IT Manager"],
        "senior": ["Senior Data Engineer", "Staff Software Engineer", "Senior Analytics Engineer",
                   "Principal Data Scientist", "Senior BI Developer", "Solutions Architect"],
        "entry": ["Data Analyst", "Analytics Engineer", "Software Engineer", "BI Developer", "Data Scientist"],
    },
    "marketing": {
        "c_level": ["Chief Marketing Officer", "CMO"],
        "vp": ["VP Marketing", "Head of Demand Generation", "VP Product Marketing", "Head of Brand"],
        "director": ["Marketing Director", "Director of Demand Generation", "Director, Product Marketing",
                     "Director of Field Marketing"],
        "manager": ["Product Marketing Manager", "Marketing Manager", "Content Marketing Manager", "Events Manager",
                    "Marketing Operations Manager"],
        "senior": ["Senior Content Strategist", "Senior Growth Marketer", "Senior Marketing Analyst"],
        "entry": ["Marketing Coordinator", "Marketing Specialist", "Growth Marketer"],
    },
    "people": {
        "c_level": ["Chief People Officer", "CHRO"],
        "vp": ["VP People", "Head of Talent", "VP Human Resources"],
        "director": ["HR Director", "Director of Talent Acquisition", "Director, People Operations"],
        "manager": ["Talent Acquisition Manager", "People Operations Manager", "HR Manager"],
        "senior": ["Senior HR Business Partner", "Senior Technical Recruiter"],
        "entry": ["Recruiter", "HR Generalist", "People Operations Specialist"],
    },
    "legal": {
        "c_level": ["Chief Legal Officer", "General Counsel"],
        "vp": ["Deputy General Counsel", "VP Legal", "Head of Legal"],
        "director": ["Director of Legal Operations", "Director, Contracts"],
        "manager": ["Legal Operations Manager", "Contracts Manager"],
        "senior": ["Senior Counsel", "Senior Corporate Counsel"],
        "entry": ["Corporate Counsel", "Paralegal", "Contracts Specialist"],
    },
    "exec": {
        "c_level": ["CEO", "Chief Executive Officer", "Founder & CEO", "President", "Co-Founder & CEO",
                    "Managing Director", "President & COO"],
        "vp": ["General Manager", "SVP Strategy", "Head of Strategy", "VP Corporate Development"],
        "director": ["Director of Strategy", "Chief of Staff", "Director, Corporate Development"],
        "manager": ["Strategy Manager", "Program Manager", "Business Operations Manager"],
        "senior": ["Senior Strategy Associate", "Senior Business Analyst"],
        "entry": ["Business Analyst", "Strategy Analyst"],
    },
    "investor": {
        "c_level": ["Managing Partner", "General Partner", "Founding Partner"],
        "vp": ["Partner", "Operating Partner"],
        "director": ["Principal", "Venture Partner"],
        "manager": ["Vice President, Portfolio Operations"],
        "senior": ["Senior Associate"],
        "entry": ["Associate", "Analyst"],
    },
    "consulting": {
        "c_level": ["Managing Partner", "Partner"],
        "vp": ["Partner, Finance Transformation", "Managing Director, Advisory"],
        "director": ["Director, ERP Advisory", "Associate Director", "Director, Audit & Assurance"],
        "manager": ["Senior Manager, Finance Transformation", "Engagement Manager", "Audit Manager"],
        "senior": ["Senior Consultant", "Principal Consultant", "Audit Senior"],
        "entry": ["Consultant", "Associate Consultant", "Audit Associate"],
    },
}
SF_DEPARTMENTS = {"finance": ["Finance", "Accounting", "FP&A"], "operations": ["Operations", "Supply Chain"],
                  "exec": ["Executive"], "data": ["IT", "Data & Analytics"], "revops": ["Sales Operations"]}

# Which employees know whom: each department's contacts lean towards some functions.
GROUP_OF_DEPARTMENT = {
    "Sales": "sales", "Revenue Operations": "sales", "Sales Engineering": "sales", "Executive": "exec",
    "Finance": "exec", "Customer Success": "cs", "Engineering": "tech", "Product": "tech", "Marketing": "gtm",
    "Partnerships": "gtm", "Operations": "ops", "People": "ops", "Legal": "ops",
}
FUNCTION_MIX = {
    "sales": {"finance": 38, "operations": 25, "revops": 14, "data": 7, "exec": 9, "marketing": 3, "legal": 1,
              "people": 1, "consulting": 2},
    "exec": {"finance": 38, "exec": 22, "investor": 8, "operations": 11, "revops": 5, "data": 5, "legal": 4,
             "people": 3, "consulting": 4},
    "cs": {"finance": 36, "operations": 30, "data": 15, "revops": 9, "exec": 5, "marketing": 3, "consulting": 2},
    "tech": {"data": 58, "exec": 8, "operations": 7, "finance": 8, "revops": 5, "marketing": 4, "people": 4,
             "legal": 2, "investor": 4},
    "gtm": {"marketing": 34, "revops": 15, "consulting": 14, "finance": 15, "exec": 10, "data": 10, "investor": 2},
    "ops": {"people": 30, "legal": 20, "operations": 20, "finance": 15, "data": 10, "exec": 5},
}
# Rows in each employee's Connections.csv.
EXPORT_SIZES = {
    "admin": 260, "dana.lee": 400, "marcus.webb": 330, "sofia.alvarez": 310, "ken.okafor": 280, "priya.raman": 220,
    "tom.becker": 150, "aisha.khan": 260, "lucas.martin": 140, "hannah.schultz": 240, "diego.santos": 170,
    "emily.chen": 160, "noah.johnson": 120, "grace.park": 130, "oliver.brown": 60, "catherine.hughes": 390,
    "robert.kim": 350, "fatima.noor": 210, "james.oneill": 250, "laura.rossi": 120, "samuel.adeyemi": 110,
    "mia.fischer": 45, "ethan.wright": 100, "chloe.dubois": 90, "benjamin.cohen": 80, "yuki.tanaka": 55,
    "isabel.moreno": 95, "daniel.novak": 140, "zoe.williams": 230, "ravi.patel": 110, "ana.costa": 150,
    "henry.walsh": 130, "olga.ivanova": 120, "peter.lindqvist": 40, "nadia.haddad": 85, "victor.mensah": 50,
    "julia.becker": 70, "sean.murphy": 65,
}
DEFAULT_EXPORT_SIZE = 80  # members added to the core demo later
SHARED_SHARE = 0.36  # of each export's outside rows: people some colleague knows too
OWN_GROUP_DRAWS = 0.6  # shared people come from the same part of the company this often
# When employees joined Northwind (those with a told history are fixed; others are drawn).
JOINED = {
    "catherine.hughes": date(2017, 3, 1), "fatima.noor": date(2017, 3, 1), "robert.kim": date(2019, 1, 14),
    "dana.lee": date(2022, 7, 11), "priya.raman": date(2022, 10, 3), "aisha.khan": date(2020, 1, 6),
    "marcus.webb": date(2018, 2, 5), "tom.becker": date(2021, 4, 12), "sofia.alvarez": date(2019, 6, 3),
    "diego.santos": date(2020, 3, 2), "olga.ivanova": date(2019, 9, 16), "ken.okafor": date(2019, 11, 4),
    "james.oneill": date(2018, 9, 10),
}
SHARING = {"catherine.hughes": Sharing.EXISTENCE, "robert.kim": Sharing.EXISTENCE, "julia.becker": Sharing.PRIVATE}

LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will '
    "only see email addresses for connections who have allowed their connections to see or download their email "
    "address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
LINKEDIN_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
SALESFORCE_HEADER = ["Id", "FirstName", "LastName", "Email", "Phone", "Title", "Department", "AccountId",
                     "Account.Name", "ReportsToId", "MailingCity", "MailingState", "MailingCountry",
                     "LinkedIn_Profile__c"]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
FREE_MAIL = ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.com"]
EMAIL_STYLES = ["first.last", "first.last", "flast", "first", "firstl", "first_last"]


@dataclass(eq=False)
class _Co:
    name: str
    key: str
    industry: str = ""
    domain: str = ""
    employees: int | None = None
    country: str = ""
    region: str = ""
    city: str = ""
    tags: list[str] = field(default_factory=list)
    legal: str = ""
    email_style: str = "first.last"
    tail: bool = False
    account_id: str = ""
    weight: float = 1.0

    @property
    def customer(self) -> bool:
        return "customer" in self.tags

    def linkedin_name(self, rng: random.Random) -> str:
        # How people write their employer on LinkedIn varies; the import's company key folds it together.
        if self.legal and rng.random() < 0.2:
            return f"{self.name} {self.legal}" if not self.legal.startswith("Inc") else f"{self.name}, {self.legal}"
        return self.name


@dataclass(eq=False)
class _Gp:
    """A generated person: what the files say about them."""

    first: str
    last: str
    company: _Co | None
    function: str
    level: str
    title: str
    group: str = ""
    slug: str = ""
    url: str = ""
    email: str = ""  # at work
    linkedin_email: str = ""  # what LinkedIn shows, if the member allows it
    li_first: str = ""  # the name as written on LinkedIn, when it differs (emoji, credentials)
    li_last: str = ""
    encoded_url: str = ""  # a percent-encoded spelling of the URL, used in one export
    popularity: float = 1.0
    employee: str = ""  # the employee's email local part, for colleagues
    team: str | None = None  # employees only
    department: str = ""  # employees only
    sf_id: str = ""
    on_linkedin: bool = True
    hide_email: bool = False  # designed CRM matches: LinkedIn must not give their email away
    email_company: _Co | None = None  # where their work email is, when LinkedIn shows no company
    exports: list[str] = field(default_factory=list)

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class _SfRow:
    person: _Gp
    first: str
    last: str
    title: str
    department: str
    account: _Co
    with_url: bool = False
    reports_to: _SfRow | None = None
    phone: str = ""


@dataclass
class Plan:
    """The generated demo network, before any of it is written."""

    companies: list[_Co]
    employees: dict[str, _Gp]
    people: list[_Gp]
    exports: dict[str, list[tuple[_Gp | None, date]]]
    salesforce: list[_SfRow]
    review_cases: list[tuple[str, _Gp, _SfRow]]
    quirks: dict[str, _Gp]
    today: date


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O")
                                   .replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _slug_words(text: str) -> str:
    return "-".join("".join(ch for ch in word if ch.isalnum()) for word in _ascii(text).lower().split())


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _sample_weighted(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, each drawn with probability proportional to its weight (Efraimidis–Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


class _Generator:
    def __init__(self, people_spec: list[tuple], today: date):
        self.rng = random.Random(SEED)
        self._weights: dict = {}
        self.today = today
        self.spec = people_spec
        self.name_keys: set[str] = set()
        self.blocks: Counter[str] = Counter()
        self.slugs: set[str] = set()
        self.emails: set[str] = set()
        self.people: list[_Gp] = []

    # companies ----------------------------------------------------------------------------------

    def companies(self) -> list[_Co]:
        rng = self.rng
        keys: set[str] = set()
        domains: set[str] = set()
        roots = list(ROOTS)
        rng.shuffle(roots)
        companies: list[_Co] = []

        def place() -> tuple[str, str, str, str]:
            country, _, cities, tld = _weighted(rng, [(loc, loc[1]) for loc in LOCATIONS])
            city, region, _ = _weighted(rng, [(c, c[2]) for c in cities])
            return country, region, city, tld

        def add(name: str, industry: str, median: int, country, region, city, tld) -> _Co | None:
            key = resolution.company_key(name)
            words = key.split()
            if key in keys or any(other.split()[: len(words)] == words or words[: len(other.split())] == other.split()
                                  for other in keys):
                return None
            stem = "".join(ch for ch in _ascii(name).lower() if ch.isalnum())
            domain = f"{stem if len(stem) <= 18 else _ascii(name.split()[0]).lower()}.{tld}"
            if tld != "com" and rng.random() < 0.3:
                domain = f"{stem}.com"
            if domain in domains:
                return None
            keys.add(key)
            domains.add(domain)
            employees = max(8, int(rng.lognormvariate(math.log(median), 1.1)))
            legal = rng.choice(LEGAL_FORMS[country]) if rng.random() < 0.45 else ""
            company = _Co(name=name, key=key, industry=industry, domain=domain, employees=employees, country=country,
                          region=region, city=city, legal=legal, email_style=rng.choice(EMAIL_STYLES))
            companies.append(company)
            return company

        industry_weights = [(row, row[1]) for row in INDUSTRIES]
        uses: Counter[str] = Counter()
        while len(companies) < 243:
            industry, _, suffixes, median = _weighted(rng, industry_weights)
            root = roots[len(companies) % len(roots)] if len(companies) < len(roots) else rng.choice(roots)
            if uses[root] < 2 and add(f"{root} {rng.choice(suffixes)}", industry, median, *place()):
                uses[root] += 1
        for name in PARTNER_FIRMS:
            country, region, city, tld = place()
            if rng.random() < 0.6:
                region, city = rng.choice([("Illinois", "Chicago"), ("New York", "New York")])
                country, tld = "United States", "com"
            company = add(name, PROFESSIONAL_SERVICES, 400, country, region, city, tld)
            if company:
                company.tags.append("partner")
        for name in VENTURE_FIRMS:
            company = add(name, VENTURE_CAPITAL, 25, "United States", "California", "San Francisco", "com")
            if company:
                company.tags.append("investor")
                company.employees = rng.randint(8, 60)
        # Accounts: customers, targets, open opportunities, a few lost ones.
        sellable = [c for c in companies if c.industry not in (PROFESSIONAL_SERVICES, VENTURE_CAPITAL)
                    and c.employees >= 150]
        rng.shuffle(sellable)
        for company in sellable[:45]:
            company.tags.append("customer")
            if rng.random() < 0.25:
                company.tags.append("reference")
        for company in sellable[45:130]:
            company.tags.append("target-account")
            if rng.random() < 0.25:
                company.tags.append("open-opportunity")
        for company in sellable[130:136]:
            company.tags.append("churned")
        for company in companies:
            if company.industry not in (PROFESSIONAL_SERVICES, VENTURE_CAPITAL):
                company.tags.append("enterprise" if company.employees >= 2000 else "mid-market")
            size = math.log10(max(company.employees, 10))
            boost = 3.0 if company.customer else 2.0 if "target-account" in company.tags else 1.0
            company.weight = size * boost
        for name in LONG_TAIL:
            country, region, city, _ = place()
            companies.append(_Co(name=name, key=resolution.company_key(name), tail=True, country=country,
                                 region=region, city=city, weight=0.6))
        return companies

    # names ---------------------------------------------------------------------------------------

    def name(self, country: str, *, unique_block: bool = False, first: str = "", last: str = "") -> tuple[str, str]:
        rng = self.rng
        for _ in range(200):
            origin = _weighted(rng, ORIGINS.get(country, ORIGINS["United States"]))
            last_origin = origin if rng.random() < 0.82 else _weighted(rng, ORIGINS["United States"])
            f = first or rng.choice(FIRST_NAMES[origin].split())
            lasts = _NL_LAST if last_origin == "nl" else LAST_NAMES[last_origin].split()
            surname = last or rng.choice(lasts)
            key = resolution.name_key(f, surname)
            block = resolution.block_key(f, surname)
            if (key in self.name_keys and not (first and last)) or (unique_block and self.blocks[block]):
                continue
            self.name_keys.add(key)
            self.blocks[block] += 1
            return f, surname
        raise RuntimeError("demo names ran out")  # pragma: no cover - the pools are large

    def person(self, company: _Co | None, function: str, level: str, group: str, *, unique_block: bool = False,
               first: str = "", last: str = "") -> _Gp:
        country = company.country if company else "United States"
        first, last = self.name(country, unique_block=unique_block, first=first, last=last)
        title = self.rng.choice(TITLES[function][level])
        person = _Gp(first=first, last=last, company=company, function=function, level=level, title=title,
                     group=group)
        self.people.append(person)
        return person

    def company_for(self, companies: list[_Co], function: str, group: str) -> _Co | None:
        rng = self.rng
        if function == "investor":
            return rng.choice([c for c in companies if c.industry == VENTURE_CAPITAL])
        if function == "consulting":
            return rng.choice([c for c in companies if c.industry == PROFESSIONAL_SERVICES])
        roll = rng.random()
        if roll < 0.015:
            return None
        if roll < 0.065:
            return rng.choice([c for c in companies if c.tail])
        weights = self._weights.get((function, group))
        if weights is None:
            weights = []
            for c in companies:
                if c.tail or c.industry in (VENTURE_CAPITAL, PROFESSIONAL_SERVICES):
                    weights.append(0.0)
                    continue
                w = c.weight
                if function == "data" and c.industry in ("Software & SaaS", "Fintech"):
                    w *= 2.5
                if function == "operations" and c.industry in OPERATIONS_HEAVY:
                    w *= 2.0
                if group == "cs" and c.customer:
                    w *= 6.0
                if group == "sales" and ("target-account" in c.tags or c.customer):
                    w *= 2.0
                weights.append(w)
            self._weights[(function, group)] = weights
        return rng.choices(companies, weights=weights)[0]

    def outside_person(self, companies: list[_Co], group: str) -> _Gp:
        rng = self.rng
        function = _weighted(rng, FUNCTION_MIX[group].items())
        level = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        company = self.company_for(companies, function, group)
        return self.person(company, function, level, group)

    # finishing touches ---------------------------------------------------------------------------

    def finish(self, person: _Gp) -> None:
        """LinkedIn address and email addresses, unique in the demo."""
        rng = self.rng
        if not person.slug:
            base = _slug_words(f"{person.first} {person.last}")
            style = rng.random()
            for attempt in range(20):
                if style < 0.12 and attempt == 0:
                    slug = base.replace("-", "")
                elif style < 0.2 and attempt == 0:
                    slug = base
                else:
                    slug = f"{base}-{rng.getrandbits(32):08x}" if rng.random() < 0.7 else f"{base}-{rng.randint(1, 999)}"
                if slug not in self.slugs:
                    break
            self.slugs.add(slug)
            person.slug = slug
            person.url = f"https://www.linkedin.com/in/{slug}"
        company = person.email_company or person.company
        first, last = _ascii(person.first).lower(), _ascii(person.last).lower().replace(" ", "").replace("'", "")
        first = first.replace(" ", "").replace("-", "")
        if company and company.domain and not person.email:
            local = {"first.last": f"{first}.{last}", "flast": f"{first[0]}{last}", "first": first,
                     "firstl": f"{first}{last[0]}", "first_last": f"{first}_{last}"}[company.email_style]
            email = f"{local}@{company.domain}"
            n = 2
            while email in self.emails:
                email = f"{local}{n}@{company.domain}"
                n += 1
            self.emails.add(email)
            person.email = email
        if rng.random() < 0.13 and person.on_linkedin and not person.hide_email:
            if person.email and rng.random() < 0.7:
                person.linkedin_email = person.email
            else:
                email = f"{first}.{last}{rng.randint(1, 99) if rng.random() < 0.5 else ''}@{rng.choice(FREE_MAIL)}"
                if email not in self.emails:
                    self.emails.add(email)
                    person.linkedin_email = email


def _employee_people(gen: _Generator, own: _Co) -> dict[str, _Gp]:
    employees = {}
    for full_name, local, _role, title, department, team in gen.spec:
        first, last = full_name.split(" ", 1)
        gen.name_keys.add(resolution.name_key(first, last))
        gen.blocks[resolution.block_key(first, last)] += 1
        slug = f"{_slug_words(full_name)}-{gen.rng.getrandbits(24):06x}"
        gen.slugs.add(slug)
        employees[local] = _Gp(
            first=first, last=last, company=own, function="", level="", title=title,
            group=GROUP_OF_DEPARTMENT.get(department, "ops"), slug=slug, url=f"https://www.linkedin.com/in/{slug}",
            employee=local, team=team, department=department,
        )
    return employees


def _connected_on(rng: random.Random, today: date, since: date, power: float = 1.8) -> date:
    span = max((today - since).days, 1)
    return today - timedelta(days=int(span * rng.random() ** power))


def plan(people_spec: list[tuple], today: date) -> Plan:
    """Generate the whole demo network in memory: deterministic for a given spec (dates relative to today)."""
    gen = _Generator(people_spec, today)
    rng = gen.rng
    companies = gen.companies()
    own = _Co(name="Northwind Analytics", key=resolution.company_key("Northwind Analytics"))
    employees = _employee_people(gen, own)
    locals_ = [local for _, local, *_ in people_spec]
    joined = {local: JOINED.get(local) or date(rng.randint(2017, 2024), rng.randint(1, 12), rng.randint(1, 28))
              for local in locals_}
    member_since = {local: date(rng.randint(2008, 2016), rng.randint(1, 12), rng.randint(1, 28)) for local in locals_}

    # The shared pool: people several employees know, by the part of the company that knows them best.
    group_rows = Counter()
    for local in locals_:
        group_rows[employees[local].group] += EXPORT_SIZES.get(local, DEFAULT_EXPORT_SIZE)
    pool: dict[str, list[_Gp]] = {}
    for group, rows in sorted(group_rows.items()):
        size = max(12, int(rows * SHARED_SHARE * 0.27))
        pool[group] = [gen.outside_person(companies, group) for _ in range(size)]
        for rank, person in enumerate(pool[group]):
            person.popularity = 1.0 / (rank + 4) ** 0.75
    everyone_pooled = [p for group in sorted(pool) for p in pool[group]]

    # Quirks LinkedIn exports really have, on people several colleagues know.
    quirks = {
        "emoji": gen.person(rng.choice([c for c in companies if c.customer]), "operations", "vp", "sales",
                            first="Maya", last="Goldberg"),
        "credential": gen.person(rng.choice([c for c in companies if c.customer]), "finance", "director", "exec",
                                 first="Rachel", last="Smith"),
        "encoded": gen.person(rng.choice([c for c in companies if c.country == "Germany" and not c.tail]),
                              "finance", "c_level", "exec", first="Jürgen", last="Müller"),
    }
    quirks["emoji"].li_last = "Goldberg 🚀"
    quirks["credential"].li_last = "Smith, CFA"
    for person in quirks.values():
        person.popularity = 0.3
        pool[person.group].append(person)
        everyone_pooled.append(person)

    exports: dict[str, list[tuple[_Gp | None, date]]] = {}
    for local in locals_:
        me = employees[local]
        size = EXPORT_SIZES.get(local, DEFAULT_EXPORT_SIZE)
        since = member_since[local]
        # Colleagues: more from one's own team and department.
        n_colleagues = min(len(locals_) - 1, 4 + size // 14)
        others = [o for o in locals_ if o != local]
        weights = []
        for other in others:
            them = employees[other]
            w = 1.0
            if them.team and them.team == me.team:
                w *= 4
            if them.department == me.department:
                w *= 3
            weights.append(w)
        rows: list[tuple[_Gp | None, date]] = []
        for other in _sample_weighted(rng, others, weights, n_colleagues):
            start = max(joined[local], joined[other])
            rows.append((employees[other], _connected_on(rng, today, start, 1.0)))
        outside = size - n_colleagues
        n_shared = round(outside * SHARED_SHARE)
        own_pool = pool[me.group]
        n_own = min(len(own_pool), round(n_shared * OWN_GROUP_DRAWS))
        chosen = _sample_weighted(rng, own_pool, [p.popularity for p in own_pool], n_own)
        taken = set(map(id, chosen))
        rest = [p for p in everyone_pooled if id(p) not in taken]
        chosen += _sample_weighted(rng, rest, [p.popularity for p in rest], n_shared - n_own)
        for person in chosen:
            rows.append((person, _connected_on(rng, today, since)))
        for _ in range(outside - n_shared):
            rows.append((gen.outside_person(companies, me.group), _connected_on(rng, today, since)))
        for person, _on in rows:
            person.exports.append(local)
        exports[local] = rows

    # Salesforce: client contacts of the customer accounts.
    salesforce, review_cases = _salesforce(gen, companies, exports, employees)

    for person in gen.people:
        gen.finish(person)
    # The percent-encoded URL: LinkedIn writes non-ASCII slugs encoded in some exports.
    encoded = quirks["encoded"]
    encoded.slug = f"jürgen-müller-{rng.getrandbits(24):06x}"
    encoded.url = f"https://www.linkedin.com/in/{encoded.slug}"
    encoded.encoded_url = "https://www.linkedin.com/in/" + encoded.slug.replace("ü", "%C3%BC") + "/"

    for rows in exports.values():
        rows.sort(key=lambda row: row[1], reverse=True)
    # A member who hid their profile: LinkedIn writes a row with only the date.
    for local in ("dana.lee", "marcus.webb", "catherine.hughes"):
        rows = exports[local]
        rows.insert(rng.randint(5, len(rows) - 5), (None, rows[len(rows) // 2][1]))

    return Plan(companies, employees, gen.people, exports, salesforce, review_cases, quirks, today)


def _salesforce(gen: _Generator, companies: list[_Co], exports, employees) -> tuple[list[_SfRow], list]:
    """The CRM's client contacts: known LinkedIn contacts (by URL, email or only name) and CRM-only people."""
    rng = gen.rng
    customers = [c for c in companies if c.customer]
    for n, company in enumerate(customers):
        company.account_id = f"0018d00000{_base62(n * 7919 + 104729, 5)}AAQ"
    known_at: dict[int, list[_Gp]] = defaultdict(list)
    for person in gen.people:
        if person.company is not None and person.company.customer and person.exports and not person.li_last \
                and person.function in ("finance", "operations", "exec", "data", "revops"):
            known_at[id(person.company)].append(person)
    rows: list[_SfRow] = []
    serial = 0

    def sf_row(person: _Gp, account: _Co, *, first: str = "", title: str | None = None, with_url=False) -> _SfRow:
        nonlocal serial
        serial += 1
        person.sf_id = person.sf_id or f"0038d00000{_base62(serial * 6007 + 3571, 5)}AAE"
        department = rng.choice(SF_DEPARTMENTS.get(person.function, ["Finance"]))
        row = _SfRow(person=person, first=first or person.first, last=person.last,
                     title=person.title if title is None else title, department=department, account=account,
                     with_url=with_url)
        rows.append(row)
        return row

    for company in customers:
        size = rng.choice([3, 4, 4, 5, 5, 6, 6, 7, 8, 9]) if rng.random() < 0.9 else rng.randint(11, 14)
        known = [p for p in known_at[id(company)] if gen.blocks[resolution.block_key(p.first, p.last)] == 1]
        rng.shuffle(known)
        from_linkedin = known[: round(size * 0.55)]
        for person in from_linkedin:
            roll = rng.random()
            # 60%: the CRM has their LinkedIn address; otherwise only their name, title and work email.
            sf_row(person, company, with_url=roll < 0.6)
        for _ in range(size - len(from_linkedin)):
            function = rng.choice(["finance", "finance", "finance", "operations", "operations", "exec", "data"])
            level = rng.choices(LEVELS, weights=[10, 18, 26, 26, 12, 8])[0]
            person = gen.person(company, function, level, "cs", unique_block=True)
            person.on_linkedin = rng.random() < 0.35  # a LinkedIn address in the CRM, not in anyone's export
            sf_row(person, company, with_url=person.on_linkedin)
    # Designed matches: the CRM spells someone differently from LinkedIn.
    review_cases: list[tuple[str, _Gp, _SfRow]] = []
    hosts = [local for local in exports if employees[local].group in ("cs", "sales")]

    def designed(first: str, function: str, level: str, company: _Co, on_linkedin_company: _Co | None) -> _Gp:
        person = gen.person(company, function, level, "cs", unique_block=True, first=first)
        person.company = on_linkedin_company
        person.email_company = company
        person.hide_email = True
        for local in rng.sample(hosts, rng.randint(1, 3)):
            exports[local].append((person, _connected_on(rng, gen.today, date(2015, 1, 1))))
            person.exports.append(local)
        return person

    def pick_customer() -> _Co:
        return rng.choice(customers)

    # Nicknames: the CRM says Bob, LinkedIn says Robert: the matcher merges them (same company).
    for formal, nick in (("Robert", "Bob"), ("William", "Bill"), ("Elizabeth", "Liz"), ("Michael", "Mike"),
                         ("Katherine", "Kate"), ("Thomas", "Tom")):
        company = pick_customer()
        person = designed(formal, "finance", rng.choice(["vp", "director", "manager"]), company, company)
        sf_row(person, company, first=nick)
    # Near misses that a person should decide: initials, spelling variants, company unknown or related.
    for first, crm_first in (("Katherine", "K."), ("Daniel", "D.")):
        company = pick_customer()
        person = designed(first, "finance", "director", company, company)
        review_cases.append(("initial", person, sf_row(person, company, first=crm_first, title="")))
    for first, crm_first in (("Stephanie", "Stefanie"), ("John", "Jon"), ("Katelyn", "Kaitlyn"),
                             ("Aleksandr", "Alexander")):
        company = pick_customer()
        person = designed(first, "operations", "director", company, company)
        review_cases.append(("spelling", person, sf_row(person, company, first=crm_first, title="")))
    for _ in range(2):
        company = pick_customer()
        person = designed("", "finance", "manager", company, None)
        person.title = ""
        review_cases.append(("no company", person, sf_row(person, company, title=rng.choice(
            TITLES["finance"]["manager"]))))
    # LinkedIn names the brand ('Harborline'), the CRM the legal entity ('Harborline Freight').
    first_words = Counter(c.key.split()[0] for c in companies)
    company = next(c for c in customers if len(c.key.split()) == 2 and first_words[c.key.split()[0]] == 1)
    brand = _Co(name=company.name.split()[0], key=resolution.company_key(company.name.split()[0]), tail=True,
                country=company.country, region=company.region, city=company.city)
    companies.append(brand)
    person = designed("", "finance", "vp", company, brand)
    review_cases.append(("related company", person, sf_row(person, company)))

    # Reporting lines inside each account: everyone reports to someone more senior, mostly.
    by_account: dict[int, list[_SfRow]] = defaultdict(list)
    for row in rows:
        by_account[id(row.account)].append(row)
    for members in by_account.values():
        members.sort(key=lambda r: RANK[r.person.level])
        for i, row in enumerate(members):
            seniors = [m for m in members[:i] if RANK[m.person.level] < RANK[row.person.level]]
            if seniors and rng.random() < 0.85:
                same = [m for m in seniors if m.person.function == row.person.function]
                row.reports_to = (same or seniors)[-1] if rng.random() < 0.7 else rng.choice(seniors)
    for row in rows:
        row.phone = _phone(rng, row.account.country)
    rng.shuffle(rows)
    return rows, review_cases


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(reversed(digits))


def _phone(rng: random.Random, country: str) -> str:
    if country == "United Kingdom":
        return f"+44 20 7946 0{rng.randint(100, 999)}"
    if country == "Germany":
        return f"+49 30 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    if country == "Netherlands":
        return f"+31 20 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"


# --- the files -------------------------------------------------------------------------------------


def _date(value: date) -> str:
    return f"{value.day:02d} {MONTHS[value.month - 1]} {value.year}"


def linkedin_csv(plan: Plan, local: str) -> bytes:
    """One employee's Connections.csv as LinkedIn writes it today."""
    out = io.StringIO()
    out.write(LINKEDIN_NOTES)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LINKEDIN_HEADER)
    encoded_done = False
    for person, on in plan.exports[local]:
        if person is None:
            writer.writerow(["", "", "", "", "", "", _date(on)])
            continue
        url = person.url
        if person.encoded_url and not encoded_done:
            url, encoded_done = person.encoded_url, True
        company = person.company.linkedin_name(random.Random(f"{local}:{person.slug}")) if person.company else ""
        writer.writerow([person.li_first or person.first, person.li_last or person.last, url, person.linkedin_email,
                         company, person.title if person.company else "", _date(on)])
    return out.getvalue().encode("utf-8")


def salesforce_csv(plan: Plan) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(SALESFORCE_HEADER)
    for row in plan.salesforce:
        person, account = row.person, row.account
        writer.writerow([
            person.sf_id, row.first, row.last, person.email, row.phone, row.title, row.department,
            account.account_id, account.name, row.reports_to.person.sf_id if row.reports_to else "",
            account.city, account.region, account.country, person.url if row.with_url else "",
        ])
    return out.getvalue().encode("utf-8")


# --- loading ---------------------------------------------------------------------------------------

# Past employers, told as stories: (employer: an industry or a firm's name, employees there with their title and
# dates, whose network the outsiders come from, the outsiders' functions, how many outsiders).
STORIES = [
    ("Software & SaaS", [("dana.lee", "Regional Sales Director", date(2016, 4, 4), date(2022, 6, 30)),
                         ("priya.raman", "Account Executive", date(2019, 2, 4), date(2022, 9, 16)),
                         ("aisha.khan", "Account Executive", date(2017, 1, 9), date(2019, 12, 20))],
     "dana.lee", ("revops",), 3),
    ("Manufacturing", [("robert.kim", "Corporate Controller", date(2011, 8, 1), date(2018, 12, 21))],
     "robert.kim", ("finance",), 4),
    ("Logistics & Transportation", [("marcus.webb", "Account Executive", date(2013, 5, 6), date(2018, 1, 26)),
                                    ("tom.becker", "Sales Development Rep", date(2015, 6, 1), date(2017, 8, 31))],
     "marcus.webb", ("operations", "finance"), 3),
    ("Fintech", [("sofia.alvarez", "Sales Manager", date(2015, 9, 1), date(2019, 5, 17)),
                 ("diego.santos", "Account Executive", date(2017, 3, 6), date(2020, 2, 14))],
     "sofia.alvarez", ("revops", "finance"), 2),
    ("Halvorsen Pike Advisory", [("catherine.hughes", "Principal, Finance Transformation", date(2007, 9, 3),
                                  date(2016, 12, 16))], "catherine.hughes", ("finance", "exec"), 4),
    ("Whitlock & Dunn", [("olga.ivanova", "Audit Senior", date(2010, 9, 1), date(2015, 8, 28))],
     "olga.ivanova", ("finance",), 4),
    ("Retail & E-commerce", [("ken.okafor", "Director of Sales", date(2014, 3, 3), date(2019, 10, 25)),
                             ("james.oneill", "Customer Success Director", date(2015, 1, 12), date(2018, 8, 31))],
     "ken.okafor", ("finance", "operations"), 3),
    ("Healthcare", [], "", ("finance", "operations"), 5),
    ("Energy & Utilities", [], "", ("finance", "operations"), 4),
]
# Meetings, calls and emails each employee logged over the last 18 months.
INTERACTIONS = {
    "dana.lee": 16, "marcus.webb": 14, "sofia.alvarez": 14, "ken.okafor": 12, "priya.raman": 18, "tom.becker": 14,
    "aisha.khan": 20, "lucas.martin": 14, "hannah.schultz": 18, "diego.santos": 14, "emily.chen": 16,
    "noah.johnson": 12, "grace.park": 12, "oliver.brown": 10, "catherine.hughes": 8, "robert.kim": 6,
    "james.oneill": 12, "laura.rossi": 18, "samuel.adeyemi": 16, "ethan.wright": 8, "chloe.dubois": 8,
    "ana.costa": 8, "henry.walsh": 6, "admin": 4,
}
SUMMARIES = {
    "customer": ["Quarterly business review", "Renewal planning for next fiscal year",
                 "Walked through the new cash-flow forecast dashboards",
                 "Expansion: their ops team wants the inventory models", "Follow-up on the ERP sync delay",
                 "Executive sponsor check-in", "Intro to their new VP Finance", "Month-end close retrospective",
                 "Reviewed usage of the margin reports", "Sent the release notes for the forecasting module"],
    "prospect": ["Discovery call: month-end close takes twelve days", "Demo of margin analytics for the finance team",
                 "Follow-up on pricing and the security questionnaire", "Intro via a mutual contact",
                 "Coffee after the CFO round-table", "Shared the logistics cost benchmark",
                 "Proof-of-concept kickoff with FP&A", "Procurement review of the order form",
                 "Sent the ROI model after the demo", "Working session on their freight-cost data"],
    "other": ["Caught up over coffee", "Congratulated them on the new role", "Asked for an intro to their CFO",
              "Reconnected at a conference", "Swapped notes on FP&A tooling", "Lunch near their office"],
}
CIRCLES = {
    "midwest": "the Midwest CFO round-table", "northeast": "the New York CFO Leadership Council chapter",
    "west": "the Bay Area FP&A circle", "south": "the Texas Finance Executives forum",
    "United Kingdom": "the London Finance Directors' dinner", "Germany": "the DACH CFO circle in Munich",
    "Netherlands": "the Amsterdam Finance & Ops breakfast", "Canada": "the Toronto CFO forum",
    "Ireland": "the Dublin Finance Leaders network", "France": "the Paris finance leaders' club",
}
SCHOOLS = ["Kellogg", "Chicago Booth", "Wharton", "London Business School", "INSEAD", "Rotman", "Michigan Ross",
           "Columbia Business School", "WHU", "Ivey"]
BOARDS = ["the Lakeshore Food Bank", "a regional children's hospital foundation", "the city's public library trust",
          "their university's alumni association", "Junior Achievement", "a community credit union"]
EVENTS = ["the Gartner CFO & Finance Executive Conference", "the Supply Chain Summit in Chicago",
          "Modern Finance Forum", "the FP&A Board", "a Big Four CFO breakfast"]
PAST_EMPLOYERS = ["a Big Four firm", "GE Capital", "a regional bank", "a private-equity portfolio company",
                  "a national freight carrier", "a consumer-goods multinational"]


def _region_of(company: _Co) -> str:
    if company.country == "United States":
        return next((name for name, states in US_REGIONS.items() if company.region in states), "")
    return company.country


class _Loader:
    def __init__(self, demo: DemoWorkspace, plan: Plan):
        self.demo = demo
        self.plan = plan
        self.workspace = demo.workspace
        self.members: dict[str, Membership] = demo.members
        self.admin = demo.members["admin"]
        self.rng = random.Random(SEED + 1)
        self.today = plan.today
        self.companies: dict[str, Company] = {}

    # companies and employees --------------------------------------------------------------------

    def companies_and_employees(self) -> None:
        for company in self.plan.companies:
            if company.tail:
                continue  # only the imports know these
            self.companies[company.key] = services.save_company(
                self.admin, None, channel=Channel.DEMO, name=company.name, domain=company.domain,
                industry=company.industry, employee_count=company.employees, country=company.country,
                region=company.region, city=company.city, tags=company.tags,
            )
        for local, member in self.members.items():
            person = services.ensure_person_for(member)
            services.save_person(member, person, channel=Channel.DEMO, linkedin_url=self.plan.employees[local].url)
        own = services.own_company(self.workspace)
        self.companies[own.name_key] = services.save_company(
            self.admin, own, channel=Channel.DEMO, domain="northwind-analytics.com", industry="Software & SaaS",
            employee_count=140, country="United States", region="Illinois", city="Chicago",
        )

    # imports --------------------------------------------------------------------------------------

    def imports(self) -> None:
        for local in self.plan.exports:
            member = self.members[local]
            data = linkedin_csv(self.plan, local)
            run = services.start_import(member, fmt=ImportFormat.LINKEDIN, size=len(data), filename="Connections.csv",
                                        owner=member, channel=Channel.DEMO)
            importing.execute(run, data)
        data = salesforce_csv(self.plan)
        run = services.start_import(self.admin, fmt=ImportFormat.SALESFORCE, size=len(data),
                                    filename="salesforce-contacts.csv", channel=Channel.DEMO)
        importing.execute(run, data)
        # Where every generated person ended up (merges move LinkedIn profiles and CRM ids to the kept person).
        self.by_slug = dict(
            Person.objects.filter(workspace=self.workspace).exclude(linkedin_slug="")
            .values_list("linkedin_slug", "id")
        )
        self.by_sf = dict(
            ExternalId.objects.filter(workspace=self.workspace, system=ImportFormat.SALESFORCE, person__isnull=False)
            .values_list("value", "person_id")
        )
        self.people: dict[int, Person] = {}

    def person(self, gp: _Gp) -> Person | None:
        pk = self.by_slug.get(resolution.linkedin_slug(gp.url)) if gp.url else None
        if pk is None and gp.sf_id:
            pk = self.by_sf.get(gp.sf_id)
        if pk is None:
            return None
        if pk not in self.people:
            self.people[pk] = Person.objects.select_related("company").get(pk=pk)
        return self.people[pk]

    def known_by(self, local: str) -> list[_Gp]:
        return [p for p, _ in self.plan.exports[local] if p is not None and not p.employee]

    # employment histories -----------------------------------------------------------------------

    def employment(self) -> None:
        rng = self.rng
        used: set[int] = set()
        own = self.companies[resolution.company_key("Northwind Analytics")]
        curated = [c for c in self.plan.companies if not c.tail and not c.customer and "target-account" not in c.tags]
        pooled = [p for p in self.plan.people if len(p.exports) > 1 and p.company and not p.company.tail]
        for employer, staff, lead, functions, count in STORIES:
            company = next(c for c in curated if employer in (c.industry, c.name))
            curated.remove(company)
            where = self.companies[company.key]
            for local, title, start, end in staff:
                member = self.members[local]
                me = services.ensure_person_for(member)
                services.record_employment(member, me, where, started_on=start, ended_on=end, title=title,
                                           channel=Channel.DEMO)
                services.record_employment(member, me, own, started_on=JOINED[local], title=member.title,
                                           channel=Channel.DEMO)
            if staff:
                window = (min(s[2] for s in staff), max(s[3] for s in staff))
            else:
                window = (date(2014, 3, 1), date(2020, 6, 30))
            actor = self.members[lead] if lead else self.admin
            candidates = self.known_by(lead) if lead else pooled
            chosen = 0
            for gp in candidates:
                if chosen == count:
                    break
                if gp.function not in functions or gp.company is None or gp.company.tail or gp.level == "entry":
                    continue
                person = self.person(gp)
                if person is None or person.pk in used or person.company_id in (None, where.pk):
                    continue
                used.add(person.pk)
                chosen += 1
                start = window[0] + timedelta(days=rng.randint(-400, 700))
                end = min(start + timedelta(days=rng.randint(700, 1900)), window[1] + timedelta(days=500),
                          self.today - timedelta(days=400))
                if end <= start + timedelta(days=200):
                    start = end - timedelta(days=rng.randint(400, 900))
                past_level = LEVELS[min(RANK[gp.level] + rng.randint(1, 2), len(LEVELS) - 1)]
                services.record_employment(
                    actor, person, where, started_on=start, ended_on=end,
                    title=rng.choice(TITLES[gp.function][past_level]), channel=Channel.DEMO,
                )
                services.record_employment(
                    actor, person, person.company, started_on=end + timedelta(days=rng.randint(20, 90)),
                    title=person.title, channel=Channel.DEMO,
                )

    # interactions --------------------------------------------------------------------------------

    def interactions(self) -> None:
        rng = self.rng
        for local, budget in INTERACTIONS.items():
            member = self.members[local]
            cs = self.plan.employees[local].group == "cs"
            pool, weights = [], []
            for gp in self.known_by(local):
                if gp.company is None or gp.company.tail or gp.level in ("senior", "entry"):
                    continue
                if gp.function not in ("finance", "operations", "exec", "revops", "data"):
                    continue
                w = 1.0 + (3 - min(RANK[gp.level], 3))
                if gp.company.customer:
                    w *= 5 if cs else 2.5
                elif "open-opportunity" in gp.company.tags:
                    w *= 3
                elif "target-account" in gp.company.tags:
                    w *= 2
                pool.append(gp)
                weights.append(w)
            contacts = _sample_weighted(rng, pool, weights, max(2, budget // 3))
            shares = [1.0 / (i + 1) ** 0.6 for i in range(len(contacts))]
            counts = [max(1, round(budget * share / sum(shares))) for share in shares]
            for gp, n in zip(contacts, counts, strict=True):
                person = self.person(gp)
                if person is None:
                    continue
                situation = ("customer" if gp.company.customer else "prospect"
                             if {"target-account", "open-opportunity"} & set(gp.company.tags) else "other")
                # Recent months are busier: ages cluster near today and thin out over 18 months.
                ages = sorted({1 + int(545 * rng.random() ** 1.6) for _ in range(n)}, reverse=True)
                summaries = rng.sample(SUMMARIES[situation], min(len(ages), len(SUMMARIES[situation])))
                for i, age in enumerate(ages):
                    services.log_interaction(
                        member, person, kind=rng.choices(InteractionKind.values[:3], weights=[25, 35, 40])[0],
                        occurred_on=self.today - timedelta(days=age), summary=summaries[i % len(summaries)],
                        channel=Channel.DEMO,
                    )

    # ties between outside people ----------------------------------------------------------------

    def ties(self, count: int = 45) -> None:
        rng = self.rng
        actors = [local for local in self.plan.exports if self.plan.employees[local].group in ("sales", "exec", "cs")]
        leaders: list[_Gp] = []
        seen: set[int] = set()
        for local in actors:
            for gp in self.known_by(local):
                if id(gp) in seen or gp.company is None or gp.company.tail:
                    continue
                seen.add(id(gp))
                if gp.level in ("c_level", "vp", "director") and gp.function in ("finance", "operations", "exec"):
                    leaders.append(gp)
        by_region: dict[str, list[_Gp]] = defaultdict(list)
        for gp in leaders:
            by_region[_region_of(gp.company)].append(gp)
        investors = [p for p in self.plan.people if p.function == "investor" and p.exports]
        advisers = [p for p in self.plan.people if p.function == "consulting" and p.exports]
        # The employee who records a tie knows at least one of the two.
        leader_ids = set(map(id, leaders))
        known = {local: [gp for gp in self.known_by(local) if id(gp) in leader_ids] for local in actors}
        pairs: set[tuple[int, int]] = set()
        made = attempts = 0
        while made < count and attempts < count * 20:
            attempts += 1
            local = rng.choice(actors)
            if not known[local]:
                continue
            a = rng.choice(known[local])
            story = made % 8
            if story == 0 or story == 4:
                peers = [p for p in by_region[_region_of(a.company)] if p.company is not a.company]
                if not peers:
                    continue
                b = rng.choice(peers)
                circle = CIRCLES.get(_region_of(a.company), "a CFO round-table")
                kind, note = RelationshipKind.SOCIAL, f"Both sit on {circle}."
            elif story == 1:
                b = rng.choice(leaders)
                kind = RelationshipKind.FORMER_COLLEAGUE
                note = (f"Worked together at {rng.choice(PAST_EMPLOYERS)} in the {rng.choice(['2000s', '2010s'])}; "
                        f"{a.first} hired {b.first} as an analyst.")
            elif story == 2:
                b = rng.choice(leaders)
                kind = RelationshipKind.FRIEND
                note = f"MBA classmates at {rng.choice(SCHOOLS)} ({rng.randint(2003, 2016)})."
            elif story == 3:
                b = rng.choice(investors)
                kind = RelationshipKind.INVESTOR
                note = f"{b.first}'s firm {b.company.name} invested in {a.company.name}; {b.first} sits on its board."
            elif story == 5:
                b = rng.choice(advisers)
                kind = RelationshipKind.PARTNER
                note = f"{b.first} advised {a.company.name} on its ERP migration as a consultant at {b.company.name}."
            elif story == 6:
                b = rng.choice(leaders)
                kind, note = RelationshipKind.SOCIAL, f"Serve together on the board of {rng.choice(BOARDS)}."
            else:
                b = rng.choice(leaders)
                kind = RelationshipKind.SOCIAL
                note = f"Spoke on the same panel at {rng.choice(EVENTS)} and have stayed in touch."
            if b is a or b.company is a.company:
                continue
            pa, pb = self.person(a), self.person(b)
            if pa is None or pb is None or pa.pk == pb.pk:
                continue
            pair = (min(pa.pk, pb.pk), max(pa.pk, pb.pk))
            if pair in pairs:
                continue
            pairs.add(pair)
            services.record_tie(self.members[local], pa, pb, kind=kind, how_they_know=note,
                                on=self.today - timedelta(days=rng.randint(20, 500)), channel=Channel.DEMO)
            made += 1

    # ratings and sharing ---------------------------------------------------------------------------

    def ratings(self) -> None:
        rng = self.rng
        for local in ("dana.lee", "aisha.khan", "laura.rossi", "marcus.webb"):
            member = self.members[local]
            owned = Relationship.objects.filter(owner=member)
            # Their closest contacts by the evidence, and one LinkedIn connection they barely know.
            for relationship in owned.order_by("-strength", "pk")[:3]:
                services.rate_relationship(member, relationship, rng.choice([4, 5, 5]))
            services.rate_relationship(member, owned.order_by("strength", "pk").first(), rng.choice([1, 2]))

    def sharing(self) -> None:
        for local, choice in SHARING.items():
            services.set_network_sharing(self.members[local], choice)


@transaction.atomic
def populate(demo: DemoWorkspace) -> bool:
    """Load the demo network into the demo workspace; False (and nothing written) if it is already there."""
    if ImportRun.objects.filter(workspace=demo.workspace, created_via=Channel.DEMO).exists():
        return False
    loader = _Loader(demo, plan(PEOPLE, timezone.now().date()))
    loader.companies_and_employees()
    loader.imports()
    loader.employment()
    loader.interactions()
    loader.ties()
    loader.ratings()
    loader.sharing()
    return True
