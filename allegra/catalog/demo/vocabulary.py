"""The words of the demo catalogue, in Greek and English.

Product names are put together from a style ("Μονόπετρο δαχτυλίδι" / "solitaire ring"), a motif of a collection
("Μαίανδρος" / "Meander") and a stone ("με ζαφείρι" / "sapphire"). Greek adjectives agree with the noun of
their category, so every phrase that needs agreement is written out per grammatical gender here (neuter,
feminine, neuter plural) rather than inflected by code.

These are shop content, not interface strings: they are stored in the `_el` and `_en` fields of the models,
so they are not marked for gettext.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Grammatical gender and number of a category's noun: neuter ("το δαχτυλίδι"), feminine ("η βέρα"),
# neuter plural ("τα σκουλαρίκια").
NEUTER, FEMININE, NEUTER_PLURAL = "n", "f", "npl"


@dataclass(frozen=True)
class Style:
    el: str  # the whole Greek phrase, noun included: "Μονόπετρο δαχτυλίδι"
    en: str  # "solitaire ring"
    stone: str = "any"  # "any", "stone" (needs one) or "plain" (never has one)
    several_stones: bool = False  # "με διαμάντια" rather than "με διαμάντι"
    design: int = 0  # which composition the painter draws for it
    weight: int = 3


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    code: str  # the category part of a SKU
    name_el: str
    name_en: str
    description_el: str
    description_en: str
    gender: str
    styles: tuple[Style, ...]
    weight: int  # share of the catalogue
    metals: dict[str, int]  # Metal value -> weight, for the further metals a design is offered in
    lead_metals: dict[str, int]  # the metal a design is first made in (its pictures show it)
    stones: dict[str, int]  # Stone value -> weight
    has_ring_sizes: bool = False
    collections: dict[str, int] = field(default_factory=dict)  # collection slug -> weight factor (default 1)


@dataclass(frozen=True)
class Motif:
    el: str
    en: str
    about_el: str
    about_en: str


@dataclass(frozen=True)
class CollectionSpec:
    slug: str
    name_el: str
    name_en: str
    description_el: str
    description_en: str
    is_featured: bool
    motifs: tuple[Motif, ...]
    not_in: frozenset[str] = frozenset()  # categories the collection has no pieces in


# --- metals ------------------------------------------------------------------------------------------------

# After "από" (made of), accusative: "από χρυσό 14 καρατίων", "από πλατίνα".
METAL_EL = {
    "gold-14k": "χρυσό 14 καρατίων",
    "gold-18k": "χρυσό 18 καρατίων",
    "white-gold-18k": "λευκόχρυσο 18 καρατίων",
    "rose-gold-14k": "ροζ χρυσό 14 καρατίων",
    "silver-925": "ασήμι 925",
    "platinum": "πλατίνα",
}
METAL_EN = {
    "gold-14k": "14K yellow gold",
    "gold-18k": "18K yellow gold",
    "white-gold-18k": "18K white gold",
    "rose-gold-14k": "14K rose gold",
    "silver-925": "925 sterling silver",
    "platinum": "platinum",
}
METAL_CODE = {
    "gold-14k": "14KG",
    "gold-18k": "18KG",
    "white-gold-18k": "18KW",
    "rose-gold-14k": "14KR",
    "silver-925": "S925",
    "platinum": "PLAT",
}
# The colour the painter gives each metal.
METAL_TONE = {
    "gold-14k": "yellow-gold",
    "gold-18k": "yellow-gold",
    "white-gold-18k": "white-gold",
    "rose-gold-14k": "rose-gold",
    "silver-925": "silver",
    "platinum": "platinum",
}
# Price ranges in euros (VAT included) by metal, before the stone.
METAL_PRICE = {
    "silver-925": (35, 180),
    "gold-14k": (150, 900),
    "rose-gold-14k": (150, 900),
    "gold-18k": (250, 2500),
    "white-gold-18k": (250, 2500),
    "platinum": (600, 4000),
}

# --- stones ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoneWords:
    code: str
    el_one: str  # in a name: "με ζαφείρι"
    el_many: str  # "με ζαφείρια"
    el_one_article: str  # in a description: "με ένα ζαφείρι"
    en_adjective: str  # in a name: "sapphire ring"
    en_one: str  # "a sapphire"
    en_many: str  # "sapphires"
    price_factor: float


STONES: dict[str, StoneWords] = {
    "diamond": StoneWords("DIA", "διαμάντι", "διαμάντια", "ένα διαμάντι", "diamond", "a diamond", "diamonds", 1.45),
    "sapphire": StoneWords("SAP", "ζαφείρι", "ζαφείρια", "ένα ζαφείρι", "sapphire", "a sapphire", "sapphires", 1.2),
    "emerald": StoneWords("EME", "σμαράγδι", "σμαράγδια", "ένα σμαράγδι", "emerald", "an emerald", "emeralds", 1.25),
    "ruby": StoneWords("RUB", "ρουμπίνι", "ρουμπίνια", "ένα ρουμπίνι", "ruby", "a ruby", "rubies", 1.2),
    "pearl": StoneWords(
        "PRL",
        "μαργαριτάρι",
        "μαργαριτάρια",
        "ένα μαργαριτάρι του γλυκού νερού",
        "pearl",
        "a freshwater pearl",
        "freshwater pearls",
        1.05,
    ),
    "amethyst": StoneWords(
        "AME", "αμέθυστο", "αμέθυστους", "έναν αμέθυστο", "amethyst", "an amethyst", "amethysts", 1.0
    ),
    "topaz": StoneWords("TOP", "τοπάζι", "τοπάζια", "ένα μπλε τοπάζι", "topaz", "a blue topaz", "blue topazes", 1.0),
    "zirconia": StoneWords(
        "ZIR", "ζιργκόν", "ζιργκόν", "ένα ζιργκόν", "zirconia", "a cubic zirconia", "cubic zirconias", 0.9
    ),
}

# --- categories --------------------------------------------------------------------------------------------

COMMON_METALS = {"silver-925": 30, "gold-14k": 24, "gold-18k": 14, "white-gold-18k": 12, "rose-gold-14k": 10}
FINE_METALS = {
    "gold-14k": 24,
    "gold-18k": 20,
    "white-gold-18k": 18,
    "rose-gold-14k": 10,
    "platinum": 8,
    "silver-925": 12,
}
LIGHT_METALS = {"silver-925": 45, "gold-14k": 30, "rose-gold-14k": 15, "gold-18k": 5, "white-gold-18k": 5}
# Most designs are first made in 925 silver or 14K gold, fine rings in gold or white gold; other metals follow.
COMMON_LEAD = {"silver-925": 42, "gold-14k": 34, "gold-18k": 8, "rose-gold-14k": 8, "white-gold-18k": 8}
FINE_LEAD = {"gold-14k": 30, "white-gold-18k": 28, "gold-18k": 22, "platinum": 10, "rose-gold-14k": 10}
LIGHT_LEAD = {"silver-925": 55, "gold-14k": 35, "rose-gold-14k": 10}
ALL_STONES = {
    "none": 28,
    "diamond": 12,
    "zirconia": 11,
    "sapphire": 8,
    "pearl": 9,
    "emerald": 6,
    "ruby": 6,
    "amethyst": 5,
    "topaz": 5,
}

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        slug="rings",
        code="RNG",
        name_el="Δαχτυλίδια",
        name_en="Rings",
        description_el=(
            "Δαχτυλίδια από χρυσό, λευκόχρυσο, ασήμι και πλατίνα, φτιαγμένα στο χέρι στο εργαστήριό μας στην "
            "Αθήνα. Μονόπετρα για μια πρόταση γάμου, σεβαλιέ και λεπτά δαχτυλίδια για κάθε μέρα, σε ευρωπαϊκά "
            "μεγέθη από 48 έως 62."
        ),
        description_en=(
            "Rings in gold, white gold, silver and platinum, made by hand in our Athens workshop. Solitaires for "
            "a proposal, signets and slim rings for every day, in EU sizes 48 to 62."
        ),
        gender=NEUTER,
        has_ring_sizes=True,
        weight=20,
        metals=FINE_METALS,
        lead_metals=FINE_LEAD,
        stones=ALL_STONES,
        collections={"bridal": 3, "meander": 2},
        styles=(
            Style("Μονόπετρο δαχτυλίδι", "solitaire ring", stone="stone", weight=5),
            Style("Δαχτυλίδι σεβαλιέ", "signet ring", weight=3),
            Style("Ολόβερο δαχτυλίδι", "eternity ring", stone="stone", several_stones=True, design=1),
            Style("Μισόβερο δαχτυλίδι", "half-eternity ring", stone="stone", several_stones=True, design=1),
            Style("Δαχτυλίδι ροζέτα", "cluster ring", stone="stone", several_stones=True, design=1, weight=4),
            Style("Λεπτό δαχτυλίδι", "slim ring", weight=4),
            Style("Στριφτό δαχτυλίδι", "twisted ring"),
            Style("Σφυρήλατο δαχτυλίδι", "hammered ring", weight=2),
            Style("Δαχτυλίδι", "ring", weight=4),
        ),
    ),
    CategorySpec(
        slug="wedding-bands",
        code="WBD",
        name_el="Βέρες",
        name_en="Wedding bands",
        description_el=(
            "Βέρες γάμου από χρυσό 14 και 18 καρατίων, λευκόχρυσο, ροζ χρυσό και πλατίνα, κλασικές ή με μικρά "
            "διαμάντια. Κάθε ζευγάρι φτιάχνεται στο μέγεθός σας, σε ευρωπαϊκά μεγέθη από 48 έως 62."
        ),
        description_en=(
            "Wedding bands in 14K and 18K gold, white gold, rose gold and platinum, classic or set with small "
            "diamonds. Every pair is made in your size, in EU sizes 48 to 62."
        ),
        gender=FEMININE,
        has_ring_sizes=True,
        weight=7,
        metals={"gold-14k": 26, "gold-18k": 24, "white-gold-18k": 22, "rose-gold-14k": 12, "platinum": 10},
        lead_metals={"gold-14k": 35, "gold-18k": 25, "white-gold-18k": 30, "rose-gold-14k": 10},
        stones={"none": 50, "diamond": 30, "zirconia": 8, "sapphire": 5, "ruby": 3},
        collections={"bridal": 4, "meander": 3, "minimal": 2},
        styles=(
            Style("Βέρα", "wedding band", several_stones=True, weight=5),
            Style("Κλασική βέρα", "classic wedding band", stone="plain", weight=4),
            Style("Σφυρήλατη βέρα", "hammered wedding band", several_stones=True),
            Style("Ματ βέρα", "matte wedding band", several_stones=True),
            Style("Λεπτή βέρα", "slim wedding band", several_stones=True),
            Style("Δίχρωμη βέρα", "two-tone wedding band", several_stones=True, weight=2),
            Style("Ολόβερη βέρα", "eternity wedding band", stone="stone", several_stones=True, weight=2),
        ),
    ),
    CategorySpec(
        slug="necklaces",
        code="NCK",
        name_el="Κολιέ",
        name_en="Necklaces",
        description_el=(
            "Κολιέ σε λεπτές αλυσίδες, με κρεμαστά από πέτρες, μαργαριτάρια ή σκέτο γυαλισμένο μέταλλο. Για "
            "κάθε μέρα ή για μια ξεχωριστή βραδιά."
        ),
        description_en=(
            "Necklaces on fine chains, with pendants of stones, pearls or plain polished metal. For every day or "
            "for a special evening."
        ),
        gender=NEUTER,
        weight=15,
        metals=COMMON_METALS,
        lead_metals=COMMON_LEAD,
        stones=ALL_STONES,
        styles=(
            Style("Κολιέ", "necklace", weight=5),
            Style("Λεπτό κολιέ", "delicate necklace", weight=4),
            Style("Κολιέ ριβιέρα", "riviera necklace", stone="stone", several_stones=True, design=1, weight=2),
            Style("Κολιέ τσόκερ", "choker"),
            Style("Μακρύ κολιέ", "long necklace"),
            Style("Διπλό κολιέ", "layered necklace", design=1, weight=2),
        ),
    ),
    CategorySpec(
        slug="pendants",
        code="PND",
        name_el="Μενταγιόν",
        name_en="Pendants",
        description_el=(
            "Μενταγιόν και μετάλλια με ελληνικά μοτίβα, από ασήμι 925 και χρυσό. Φοριούνται στην αλυσίδα της "
            "επιλογής σας."
        ),
        description_en=(
            "Pendants and medallions with Greek motifs, in 925 silver and gold, worn on the chain you choose."
        ),
        gender=NEUTER,
        weight=10,
        metals=COMMON_METALS,
        lead_metals=COMMON_LEAD,
        stones=ALL_STONES,
        collections={"byzantine": 2, "meander": 2},
        styles=(
            Style("Μενταγιόν", "pendant", weight=5),
            Style("Στρογγυλό μενταγιόν", "round pendant"),
            Style("Οβάλ μενταγιόν", "oval pendant", design=1),
            Style("Μενταγιόν σταγόνα", "drop pendant", design=1),
            Style("Μενταγιόν μετάλλιο", "medallion pendant", weight=4),
            Style("Μικρό μενταγιόν", "petite pendant", design=1),
        ),
    ),
    CategorySpec(
        slug="earrings",
        code="EAR",
        name_el="Σκουλαρίκια",
        name_en="Earrings",
        description_el=(
            "Καρφωτά και κρεμαστά σκουλαρίκια και κρίκοι, με πέτρες, μαργαριτάρια ή σκέτο γυαλισμένο μέταλλο. "
            "Ελαφριά, για να τα φοράτε όλη μέρα."
        ),
        description_en=(
            "Studs, drops and hoops, set with stones or pearls or in plain polished metal. Light enough to wear "
            "all day."
        ),
        gender=NEUTER_PLURAL,
        weight=16,
        metals=COMMON_METALS,
        lead_metals=COMMON_LEAD,
        stones=ALL_STONES,
        styles=(
            Style("Σκουλαρίκια", "earrings", several_stones=True, weight=4),
            Style("Καρφωτά σκουλαρίκια", "stud earrings", several_stones=True, weight=4),
            Style("Κρεμαστά σκουλαρίκια", "drop earrings", several_stones=True, weight=4),
            Style("Σκουλαρίκια κρίκοι", "hoop earrings", several_stones=True, design=1, weight=4),
            Style("Μακριά σκουλαρίκια", "long earrings", several_stones=True),
        ),
    ),
    CategorySpec(
        slug="bracelets",
        code="BRC",
        name_el="Βραχιόλια",
        name_en="Bracelets",
        description_el=(
            "Βραχιόλια αλυσίδα, άκαμπτα βραχιόλια και ριβιέρες, από ασήμι, χρυσό και λευκόχρυσο, σε μήκη για "
            "κάθε καρπό."
        ),
        description_en=(
            "Chain bracelets, bangles and tennis bracelets in silver, gold and white gold, sized for every wrist."
        ),
        gender=NEUTER,
        weight=12,
        metals=COMMON_METALS,
        lead_metals=COMMON_LEAD,
        stones=ALL_STONES,
        styles=(
            Style("Βραχιόλι", "bracelet", weight=4),
            Style("Βραχιόλι αλυσίδα", "chain bracelet", design=1, weight=4),
            Style("Άκαμπτο βραχιόλι", "bangle", weight=4),
            Style("Βραχιόλι ριβιέρα", "tennis bracelet", stone="stone", several_stones=True, weight=2),
            Style("Λεπτό βραχιόλι", "delicate bracelet", design=1),
            Style("Βραχιόλι χειροπέδα", "cuff bracelet", weight=2),
        ),
    ),
    CategorySpec(
        slug="anklets",
        code="ANK",
        name_el="Βραχιόλια ποδιού",
        name_en="Anklets",
        description_el="Λεπτά βραχιόλια ποδιού για ένα καλοκαίρι στο Αιγαίο, από ασήμι 925 και χρυσό 14 καρατίων.",
        description_en="Delicate anklets for an Aegean summer, in 925 silver and 14K gold.",
        gender=NEUTER,
        weight=5,
        metals={"silver-925": 50, "gold-14k": 30, "rose-gold-14k": 20},
        lead_metals=LIGHT_LEAD,
        stones={"none": 40, "zirconia": 15, "pearl": 15, "topaz": 10, "sapphire": 6, "amethyst": 6},
        collections={"aegean": 4, "minimal": 2},
        styles=(
            Style("Βραχιόλι ποδιού", "anklet", several_stones=True, weight=4),
            Style("Λεπτό βραχιόλι ποδιού", "delicate anklet", several_stones=True),
            Style("Διπλό βραχιόλι ποδιού", "double anklet", several_stones=True, design=1, weight=2),
        ),
    ),
    CategorySpec(
        slug="charms",
        code="CHM",
        name_el="Γούρια",
        name_en="Lucky charms",
        description_el=(
            "Γούρια για καλή τύχη: μάτια, ρόδια, πέταλα και τριφύλλια, για δώρο ή για να τα έχετε κοντά σας όλο "
            "τον χρόνο."
        ),
        description_en=(
            "Charms for good luck: evil eyes, pomegranates, horseshoes and four-leaf clovers, to give as a gift "
            "or to keep close all year."
        ),
        gender=NEUTER,
        weight=8,
        metals=LIGHT_METALS,
        lead_metals=LIGHT_LEAD,
        stones={"none": 40, "zirconia": 15, "sapphire": 10, "ruby": 10, "topaz": 10, "diamond": 5, "emerald": 5},
        collections={"evil-eye": 6},
        styles=(
            Style("Γούρι", "lucky charm", weight=5),
            Style("Μικρό γούρι", "small lucky charm"),
            Style("Κρεμαστό γούρι", "hanging lucky charm"),
            Style("Γούρι βραχιολιού", "bracelet charm"),
        ),
    ),
    CategorySpec(
        slug="brooches",
        code="BRO",
        name_el="Καρφίτσες",
        name_en="Brooches",
        description_el="Καρφίτσες για το πέτο, το παλτό ή το φόρεμα, με κλαδιά ελιάς, λουλούδια και πέτρες.",
        description_en="Brooches for a lapel, a coat or a dress, with olive branches, flowers and stones.",
        gender=FEMININE,
        weight=4,
        metals=COMMON_METALS,
        lead_metals=COMMON_LEAD,
        stones=ALL_STONES,
        collections={"olive-branch": 4},
        styles=(
            Style("Καρφίτσα", "brooch", weight=4),
            Style("Μικρή καρφίτσα", "small brooch"),
            Style("Καρφίτσα πέτου", "lapel pin", weight=2),
        ),
    ),
)

# --- collections and their motifs --------------------------------------------------------------------------

COLLECTIONS: tuple[CollectionSpec, ...] = (
    CollectionSpec(
        slug="aegean",
        name_el="Αιγαίο",
        name_en="Aegean",
        description_el=("Κύματα, κοχύλια και βότσαλα από τα νησιά μας, σε ασήμι και χρυσό με τα γαλάζια του Αιγαίου."),
        description_en="Waves, shells and pebbles from our islands, in silver and gold with the blues of the Aegean.",
        is_featured=True,
        motifs=(
            Motif(
                "Κύμα",
                "Wave",
                "Το σχέδιο ακολουθεί την καμπύλη του κύματος που σκάει στα βράχια του Αιγαίου.",
                "The design follows the curl of a wave breaking on the rocks of the Aegean.",
            ),
            Motif(
                "Κοχύλι",
                "Seashell",
                "Ένα κοχύλι από την αμμουδιά αποτυπώνεται στο μέταλλο με όλες τις λεπτές του ραβδώσεις.",
                "A seashell from the beach is cast in metal with all its fine ridges.",
            ),
            Motif(
                "Αχινός",
                "Sea urchin",
                "Το σχέδιο δανείζεται το κέλυφος του αχινού, με τις σειρές από μικρές ανάγλυφες κουκκίδες.",
                "The design borrows the shell of a sea urchin, with its rows of tiny raised dots.",
            ),
            Motif(
                "Αστερίας",
                "Starfish",
                "Ένας μικρός αστερίας, σαν αυτούς που βρίσκουμε στα ρηχά νερά των νησιών, δίνει το σχήμα του σχεδίου.",
                (
                    "A small starfish, like the ones found in the shallow waters "
                    "of the islands, gives the design its shape."
                ),
            ),
            Motif(
                "Βότσαλο",
                "Pebble",
                "Η απαλή, στρογγυλεμένη φόρμα θυμίζει βότσαλο λειασμένο από τη θάλασσα.",
                "The soft, rounded form recalls a pebble smoothed by the sea.",
            ),
            Motif(
                "Άγκυρα",
                "Anchor",
                "Για τους ναυτικούς του Αιγαίου η άγκυρα ήταν πάντα σύμβολο σταθερότητας και ελπίδας.",
                "For the sailors of the Aegean the anchor has always stood for steadiness and hope.",
            ),
        ),
    ),
    CollectionSpec(
        slug="olive-branch",
        name_el="Κλαδί ελιάς",
        name_en="Olive branch",
        description_el="Το δέντρο της Αθηνάς σε φύλλα, κλαδιά και στεφάνια, σύμβολο ειρήνης και νίκης.",
        description_en="Athena's tree in leaves, branches and wreaths, a symbol of peace and victory.",
        is_featured=True,
        motifs=(
            Motif(
                "Κλαδί ελιάς",
                "Olive branch",
                "Το κλαδί ελιάς, δώρο της Αθηνάς στην πόλη της, είναι από την αρχαιότητα σύμβολο ειρήνης.",
                "The olive branch, Athena's gift to her city, has stood for peace since antiquity.",
            ),
            Motif(
                "Φύλλο ελιάς",
                "Olive leaf",
                "Τα φύλλα της ελιάς κρατούν τις λεπτές νευρώσεις τους, όπως πάνω στο δέντρο.",
                "The olive leaves keep their fine veins, just as on the tree.",
            ),
            Motif(
                "Κότινος",
                "Kotinos",
                "Ο κότινος ήταν το στεφάνι αγριελιάς με το οποίο στεφανώνονταν οι Ολυμπιονίκες.",
                "The kotinos was the wild-olive wreath that crowned the victors of the Olympic Games.",
            ),
            Motif(
                "Ελαιώνας",
                "Olive grove",
                "Το σχέδιο θυμίζει τις ασημένιες ανταύγειες ενός ελαιώνα στο μεσημεριανό φως.",
                "The design recalls the silver shimmer of an olive grove in the midday light.",
            ),
            Motif(
                "Στεφάνι",
                "Wreath",
                "Ένα στεφάνι από φύλλα ελιάς πλέκεται γύρω από το σχέδιο.",
                "A wreath of olive leaves is woven around the design.",
            ),
        ),
    ),
    CollectionSpec(
        slug="meander",
        name_el="Μαίανδρος",
        name_en="Meander",
        description_el="Το αρχαίο μοτίβο του αέναου ποταμού, χαραγμένο σε δαχτυλίδια, βέρες και μετάλλια.",
        description_en=(
            "The ancient pattern of the ever-winding river, engraved on rings, wedding bands and medallions."
        ),
        is_featured=True,
        motifs=(
            Motif(
                "Μαίανδρος",
                "Meander",
                "Ο μαίανδρος, το αρχαίο ελληνικό μοτίβο του ποταμού που δεν σταματά ποτέ, συμβολίζει την αιωνιότητα.",
                "The meander, the ancient Greek pattern of the river that never stops, stands for eternity.",
            ),
            Motif(
                "Διπλός μαίανδρος",
                "Double meander",
                "Δύο σειρές μαιάνδρου πλέκονται μεταξύ τους, όπως στα αγγεία της γεωμετρικής εποχής.",
                "Two rows of meander interlock, as on the vases of the Geometric period.",
            ),
            Motif(
                "Γκρέκα",
                "Greek key",
                "Η γκρέκα, το γεωμετρικό σχέδιο των αρχαίων αγγείων, περιτρέχει όλο το κόσμημα.",
                "The Greek key of the ancient vases runs all the way around the piece.",
            ),
            Motif(
                "Αμφορέας",
                "Amphora",
                "Το σχήμα θυμίζει αμφορέα, με τις λαβές του και τις ζώνες του μαιάνδρου.",
                "The shape recalls an amphora, with its handles and its bands of meander.",
            ),
            Motif(
                "Κίονας",
                "Column",
                "Οι ραβδώσεις ενός ιωνικού κίονα γίνονται εδώ λεπτές γραμμές στο μέταλλο.",
                "The fluting of an Ionic column becomes fine lines in the metal.",
            ),
        ),
    ),
    CollectionSpec(
        slug="byzantine",
        name_el="Βυζαντινή",
        name_en="Byzantine",
        description_el=(
            "Σταυροί, νομίσματα και ψηφιδωτά εμπνευσμένα από τους θησαυρούς του Βυζαντίου, με πολύχρωμες πέτρες."
        ),
        description_en="Crosses, coins and mosaics inspired by the treasures of Byzantium, set with coloured stones.",
        is_featured=False,
        not_in=frozenset({"anklets"}),
        motifs=(
            Motif(
                "Βυζαντινός σταυρός",
                "Byzantine cross",
                "Ο σταυρός με τις φαρδιές άκρες ακολουθεί τα βυζαντινά εγκόλπια.",
                "The cross with its flared arms follows the Byzantine encolpia.",
            ),
            Motif(
                "Δικέφαλος",
                "Double-headed eagle",
                "Ο δικέφαλος αετός, έμβλημα του Βυζαντίου, είναι χαραγμένος με κάθε λεπτομέρεια.",
                "The double-headed eagle, emblem of Byzantium, is engraved in fine detail.",
            ),
            Motif(
                "Ψηφιδωτό",
                "Mosaic",
                "Μικρές πέτρες στη σειρά θυμίζουν τις ψηφίδες των βυζαντινών ψηφιδωτών.",
                "Small stones in a row recall the tesserae of Byzantine mosaics.",
            ),
            Motif(
                "Βυζαντινό νόμισμα",
                "Byzantine coin",
                "Η όψη ενός χρυσού βυζαντινού νομίσματος αποδίδεται σε ανάγλυφο.",
                "The face of a gold Byzantine coin is rendered in relief.",
            ),
            Motif(
                "Θεοδώρα",
                "Theodora",
                "Το σχέδιο παίρνει το όνομά του από την αυτοκράτειρα Θεοδώρα και τα κοσμήματα των ψηφιδωτών της "
                "Ραβέννας.",
                "The design is named after Empress Theodora and the jewels of her mosaics in Ravenna.",
            ),
        ),
    ),
    CollectionSpec(
        slug="cycladic",
        name_el="Κυκλαδική",
        name_en="Cycladic",
        description_el="Λιτές, καθαρές γραμμές από τα κυκλαδικά ειδώλια και το φως των νησιών.",
        description_en="Pure, simple lines from the Cycladic figurines and the light of the islands.",
        is_featured=False,
        motifs=(
            Motif(
                "Ειδώλιο",
                "Figurine",
                "Οι καθαρές γραμμές των κυκλαδικών ειδωλίων, ηλικίας 4.500 χρόνων, μοιάζουν ακόμη σύγχρονες.",
                "The clean lines of the 4,500-year-old Cycladic figurines still look modern.",
            ),
            Motif(
                "Ήλιος",
                "Sun",
                "Οι ακτίνες του ήλιου των Κυκλάδων γίνονται εδώ γυαλισμένο μέταλλο.",
                "The rays of the Cycladic sun become polished metal.",
            ),
            Motif(
                "Σαντορίνη",
                "Santorini",
                "Το σχέδιο εμπνέεται από τις καμάρες και τους τρούλους της Σαντορίνης.",
                "The design takes its cue from the arches and domes of Santorini.",
            ),
            Motif(
                "Νάξος",
                "Naxos",
                "Η Πορτάρα της Νάξου, η μεγάλη μαρμάρινη πύλη πάνω από τη θάλασσα, δίνει στο σχέδιο το σχήμα της.",
                "The Portara of Naxos, the great marble gate above the sea, lends the design its shape.",
            ),
            Motif(
                "Ανεμόμυλος",
                "Windmill",
                "Τα φτερά των ανεμόμυλων της Μυκόνου γυρίζουν γύρω από το κέντρο του σχεδίου.",
                "The sails of the Mykonos windmills turn around the centre of the design.",
            ),
            Motif(
                "Μήλος",
                "Milos",
                "Τα λευκά βράχια του Σαρακήνικου στη Μήλο χαρίζουν στο σχέδιο τις απαλές του καμπύλες.",
                "The white rocks of Sarakiniko on Milos give the design its soft curves.",
            ),
        ),
    ),
    CollectionSpec(
        slug="evil-eye",
        name_el="Μάτι",
        name_en="Evil eye",
        description_el="Μάτια, ρόδια και πέταλα που κρατούν μακριά την κακή ματιά, με μπλε σμάλτο και πέτρες.",
        description_en="Evil eyes, pomegranates and horseshoes to keep bad luck away, in blue enamel and stones.",
        is_featured=False,
        not_in=frozenset({"wedding-bands"}),
        motifs=(
            Motif(
                "Μάτι",
                "Evil eye",
                "Σύμφωνα με μια παράδοση που κρατά από την αρχαιότητα, το μάτι προστατεύει από τη βασκανία.",
                "By a belief that goes back to antiquity, the eye wards off the evil eye.",
            ),
            Motif(
                "Γαλάζιο μάτι",
                "Blue eye",
                "Το γαλάζιο σμάλτο του ματιού λάμπει πάνω στο γυαλισμένο μέταλλο.",
                "The blue enamel of the eye glows against the polished metal.",
            ),
            Motif(
                "Ρόδι",
                "Pomegranate",
                "Το ρόδι, που σπάμε στην πόρτα την Πρωτοχρονιά, φέρνει αφθονία και καλή τύχη.",
                "The pomegranate, broken at the door on New Year's Day, brings plenty and good luck.",
            ),
            Motif(
                "Πέταλο",
                "Horseshoe",
                "Σύμφωνα με την παράδοση, το πέταλο φέρνει την καλή τύχη και την κρατά στο σπίτι.",
                "By tradition, a horseshoe brings good luck and keeps it in the house.",
            ),
            Motif(
                "Τετράφυλλο τριφύλλι",
                "Four-leaf clover",
                "Το σπάνιο τετράφυλλο τριφύλλι είναι για όποιον χρειάζεται λίγη τύχη παραπάνω.",
                "The rare four-leaf clover is for anyone who could use a little extra luck.",
            ),
        ),
    ),
    CollectionSpec(
        slug="bridal",
        name_el="Νυφική",
        name_en="Bridal",
        description_el="Μονόπετρα, βέρες και κοσμήματα για τη μέρα του γάμου, με διαμάντια και μαργαριτάρια.",
        description_en="Solitaires, wedding bands and jewelry for the wedding day, with diamonds and pearls.",
        is_featured=True,
        not_in=frozenset({"anklets", "charms"}),
        motifs=(
            Motif(
                "Πέπλο",
                "Veil",
                "Λεπτό σαν νυφικό πέπλο, το σχέδιο αφήνει τις πέτρες να πρωταγωνιστούν.",
                "Fine as a bridal veil, the design lets the stones take the lead.",
            ),
            Motif(
                "Λευκό ρόδο",
                "White rose",
                "Τα πέταλα ενός λευκού τριαντάφυλλου ανοίγουν γύρω από το κέντρο του σχεδίου.",
                "The petals of a white rose open around the centre of the design.",
            ),
            Motif(
                "Έρως και Ψυχή",
                "Eros and Psyche",
                "Το σχέδιο τιμά τον μύθο του Έρωτα και της Ψυχής, μιας αγάπης που ξεπέρασε κάθε δοκιμασία.",
                "The design honours the myth of Eros and Psyche, a love that overcame every trial.",
            ),
            Motif(
                "Υπόσχεση",
                "Promise",
                "Ένα κόσμημα για μια υπόσχεση που δίνεται μία φορά στη ζωή.",
                "A piece for a promise made once in a lifetime.",
            ),
            Motif(
                "Ορχιδέα",
                "Orchid",
                "Η ορχιδέα της νυφικής ανθοδέσμης αποδίδεται εδώ σε γλυπτό μέταλλο.",
                "The orchid of the bridal bouquet is sculpted here in metal.",
            ),
        ),
    ),
    CollectionSpec(
        slug="minimal",
        name_el="Μίνιμαλ",
        name_en="Minimal",
        description_el="Κύκλοι, γραμμές και σταγόνες: απλά κοσμήματα για κάθε μέρα, που ταιριάζουν μεταξύ τους.",
        description_en="Circles, lines and drops: simple everyday pieces made to be worn together.",
        is_featured=False,
        motifs=(
            Motif(
                "Γραμμή",
                "Line",
                "Μια καθαρή, λεπτή γραμμή χωρίς τίποτα περιττό κάνει το σχέδιο να ταιριάζει με όλα.",
                "One clean, fine line with nothing extra makes the design go with everything.",
            ),
            Motif(
                "Κύκλος",
                "Circle",
                "Ο κύκλος, χωρίς αρχή και τέλος, είναι το πιο απλό σύμβολο της ολότητας.",
                "The circle, with no beginning and no end, is the simplest symbol of wholeness.",
            ),
            Motif(
                "Σταγόνα",
                "Drop",
                "Το σχέδιο έχει το σχήμα μιας σταγόνας τη στιγμή που πέφτει.",
                "The design takes the shape of a drop at the moment it falls.",
            ),
            Motif(
                "Κόμπος",
                "Knot",
                "Ένας απλός ναυτικός κόμπος δένει τις δύο άκρες του σχεδίου.",
                "A simple sailor's knot ties the two ends of the design together.",
            ),
            Motif(
                "Άπειρο",
                "Infinity",
                "Το σύμβολο του απείρου σχεδιάζεται με μία λεπτή, συνεχή γραμμή.",
                "The infinity sign is drawn in one fine, unbroken line.",
            ),
            Motif(
                "Ορίζοντας",
                "Horizon",
                "Η ευθεία γραμμή του ορίζοντα πάνω από τη θάλασσα γίνεται γυαλισμένο μέταλλο.",
                "The straight line of the horizon over the sea becomes polished metal.",
            ),
        ),
    ),
)

# --- sentences that depend on the category's gender --------------------------------------------------------

HANDMADE_EL = {NEUTER: "Φτιαγμένο", FEMININE: "Φτιαγμένη", NEUTER_PLURAL: "Φτιαγμένα"}
AVAILABLE_EL = {NEUTER: "Διατίθεται", FEMININE: "Διατίθεται", NEUTER_PLURAL: "Διατίθενται"}
PAIRS_EL = {NEUTER: "Ταιριάζει", FEMININE: "Ταιριάζει", NEUTER_PLURAL: "Ταιριάζουν"}

# Closing sentences about the craft; "{pairs}" and "{collection}" are filled in.
CRAFT = (
    (
        "Κάθε κομμάτι γυαλίζεται στο χέρι και φέρει τη σφραγίδα γνησιότητας του μετάλλου του.",
        "Every piece is polished by hand and hallmarked for its metal.",
    ),
    (
        "Οι τεχνίτες μας φινίρουν κάθε κομμάτι ξεχωριστά, με τεχνικές που περνούν από γενιά σε γενιά.",
        "Our goldsmiths finish every piece one by one, with techniques handed down through generations.",
    ),
    (
        "Η αποστολή γίνεται σε κουτί δώρου, μαζί με πιστοποιητικό γνησιότητας.",
        "It ships in a gift box with a certificate of authenticity.",
    ),
    (
        "{pairs} με τα υπόλοιπα κομμάτια της συλλογής «{collection_el}».",
        "It pairs with the other pieces of the {collection_en} collection.",
    ),
)

# Suffixes that keep names unique once every combination of style, motif and stone has been used.
FINISHES = (
    ("ματ φινίρισμα", "matte finish"),
    ("σατινέ φινίρισμα", "satin finish"),
    ("γυαλιστερό φινίρισμα", "high-polish finish"),
    ("οξειδωμένο φινίρισμα", "oxidised finish"),
)
