// Package render holds the backend-neutral Plan of a walkthrough video (intro
// card, clip segments with narration, badges and captions, a ducked music
// bed, an outro), the builder that times it exactly, and the Renderer
// interface the backends implement. It sits after narrate and before ghpr.
package render
