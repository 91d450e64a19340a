"""What the shop keeps of a visitor's network address: never the whole of it (C6)."""

import ipaddress


def truncate_ip(value: str | None) -> str | None:
    """The network of an address: IPv4 to /24 (``203.0.113.57`` -> ``203.0.113.0``), IPv6 to /48. None for
    anything that is not an IP address. An IPv4 address mapped into IPv6 is treated as the IPv4 one."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)
