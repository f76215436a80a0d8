// Package fsutil holds the file functions every step uses: atomic writes
// (temp file, fsync, rename, directory fsync) and private 0700 directories.
// The session store and every step that writes into a session directory use it.
package fsutil
