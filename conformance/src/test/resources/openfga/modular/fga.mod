schema: '1.2'
contents:
  - core.fga
  - tracker/projects.fga
