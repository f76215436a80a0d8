// Package editor holds the VideoDB editor's timeline types: a Timeline of
// Tracks of Clips, each showing a Video, Audio, Image, Text or Caption asset.
// The JSON they produce follows the API exactly; videodb.EditorService compiles it to a stream.
package editor
