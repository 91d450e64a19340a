"""The provider's records are not in the shop's back office: they stand for another company's systems."""
