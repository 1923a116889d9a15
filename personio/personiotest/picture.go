package personiotest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
)

// Profile pictures.
//
// Personio links every employee record to …/v1/company/employees/{id}/profile-picture
// (v1 attribute profile_picture, v2 profile_picture.url), and serves the picture there
// and at …/profile-picture/{width}. Its description says: "If profile picture is
// missing, the 404 error will be thrown. The Profile Picture attribute has to be
// whitelisted"; the 404 answers "when the employee doesn't exist or employee doesn't
// have profile picture set or Profile Picture attribute is not whitelisted"
// (v1-personnel.yaml, Employees_showProfilePicture). The width is "Width of the image.
// Default is original size": clients read the link without a width for the original
// (at-gmbh/personio-py client.py get_employee_picture; dlt-source-personio fetches
// profile_picture.url as it is). The picture answer carries no Authorization header:
// personio-py reads it with auth_rotation=False, "required for some requests that do
// not return a new authorization token".

// pictureWidth is the width (and height) of the original pictures; larger widths are
// answered with the original, never scaled up.
const pictureWidth = 256

// pictureMissing is the message of the picture's 404, as in Personio's example.
const pictureMissing = "Etwas ist schiefgelaufen ..."

// hasPicture reports whether the person with the id has a profile picture: about seven
// people in eight do. Which ones is a fixed function of the ID.
func hasPicture(id int) bool { return hashOf(id, 0x50494354)%8 != 0 }

// v1Picture serves GET /v1/company/employees/{id}/profile-picture[/{width}]: a PNG of
// width×width pixels (the original size without a width), or 404 for an unknown
// employee, one without a picture, a credential that may not read profile_picture, or
// a width that is not a positive integer.
func (s *Server) v1Picture(w http.ResponseWriter, _ *http.Request, id, width string) {
	size := pictureWidth
	if width != "" {
		n, err := strconv.Atoi(width)
		if err != nil || n < 1 {
			s.writeV1Error(w, http.StatusNotFound, pictureMissing)
			return
		}
		size = min(n, pictureWidth)
	}
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 || !s.std[aProfilePicture] {
		s.writeV1Error(w, http.StatusNotFound, pictureMissing)
		return
	}
	s.mu.RLock()
	p := s.person(n)
	ok := p != nil && hasPicture(p.ID)
	var pid int
	if ok {
		pid = p.ID
	}
	s.mu.RUnlock()
	if !ok {
		s.writeV1Error(w, http.StatusNotFound, pictureMissing)
		return
	}
	body := pictureOf(pid, size)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// pictureOf draws person id's picture at size×size pixels: a head and shoulders in a
// light shade of a background colour that is a function of the id, so every person has
// their own picture, the same at every request.
func pictureOf(id, size int) []byte {
	h := hashOf(id, 0x434f4c52)
	bg := color.RGBA{R: uint8(64 + h%128), G: uint8(64 + h>>8%128), B: uint8(64 + h>>16%128), A: 255}
	fg := color.RGBA{R: bg.R/2 + 127, G: bg.G/2 + 127, B: bg.B/2 + 127, A: 255}
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{bg, fg})
	// In units of the picture's size: the head a circle around (0.5, 0.4) of radius
	// 0.2, the shoulders the part of a circle around (0.5, 1.05) of radius 0.4.
	in := func(x, y, cx, cy, r float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
	for py := range size {
		y := (float64(py) + 0.5) / float64(size)
		for px := range size {
			x := (float64(px) + 0.5) / float64(size)
			if in(x, y, 0.5, 0.4, 0.2) || in(x, y, 0.5, 1.05, 0.4) {
				img.SetColorIndex(px, py, 1)
			}
		}
	}
	var buf bytes.Buffer
	// Encoding an in-memory paletted image into a buffer does not fail.
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
