"""IPv6 addresses that reach a private IPv4 address or a local network (issue 23)."""

HIDDEN_PRIVATE = [
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::ffff:0:7f00:1",  # IPv4-translated 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the cloud metadata address
    "2002:7f00:1::",  # 6to4 through 127.0.0.1
    "fec0::1",  # site-local
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
