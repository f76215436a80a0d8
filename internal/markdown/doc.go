// Package markdown holds the markdown helpers every PR artefact uses: the
// hidden upsert marker, cutting a body to GitHub's size limit without breaking
// links, code fences or HTML comments, and tables. ghpr, narrate, attribution and qa share it.
package markdown
