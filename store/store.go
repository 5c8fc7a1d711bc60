package store

import "github.com/accordhq/accord/engine"

// DB implements every persistence port of the engine.
var _ engine.Store = (*DB)(nil)
