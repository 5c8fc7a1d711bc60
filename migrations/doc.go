// Package migrations embeds accord's versioned schema, one folder of
// goose-annotated SQL files per dialect (postgres/, sqlite/). Both folders
// hold the same version numbers and the same tables; only the column types
// differ. Files are applied in order by package store through a goose
// Provider; they are never edited once released, only followed by new ones.
//
// It imports only the standard library.
package migrations
