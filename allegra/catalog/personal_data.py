"""The catalogue in the personal-data map: products, variants, categories and pictures describe jewellery only."""

from allegra.privacy.registry import personal_data_map

personal_data_map.declare_no_personal_data(
    "catalog",
    reason="Categories, collections, products, variants and their pictures: nothing about any person.",
)
