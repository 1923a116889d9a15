package personiotest

// HasPicture reports whether the person with the id has a profile picture, for the
// tests of the package.
func HasPicture(id int) bool { return hasPicture(id) }
