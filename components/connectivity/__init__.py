"""Hybrid links to on-premises sites (practice 8.1): VPN, Direct Connect and ExpressRoute.

Import the component from `components.connectivity.link`; this package stays import-light so the spec
checks can use its pure arithmetic without loading the cloud SDKs.
"""
