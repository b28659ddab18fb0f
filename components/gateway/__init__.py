"""API gateways from OpenAPI documents: REST and HTTP APIs on AWS, API Management on Azure."""

from .aws_http import PrivateNetwork
from .azure_apim import ApiManagement, ApimHost
from .gateway import Gateway, GatewayArgs
from .sources import read_api_documents, read_authorizer_code

__all__ = ["ApiManagement", "ApimHost", "Gateway", "GatewayArgs", "PrivateNetwork", "read_api_documents",
           "read_authorizer_code"]
