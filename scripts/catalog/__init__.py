"""`hybrid catalog`: Backstage catalog entities and a Mermaid topology per environment."""
