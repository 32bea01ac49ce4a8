"""The web layer: each module translates one wire format to and from the gateway service."""
