package authenta

// Fuzz targets for the face-indexing decoders and the multipart search
// body. Seeds: f.Add below, plus files in testdata/fuzz/<FuzzName>/.

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"testing"
)

var facesSeeds = []string{
	`{"subject_id":"s1","status":"pending","faces":[{"face_id":"f1","status":"pending","upload_url":"https://b.test/f1?X-Amz-Signature=x","headers":{"Content-Type":"image/jpeg"}}],"expires_at":"2026-01-01T00:00:00Z"}`,
	`{"data":{"subjectId":7,"faces":[{"faceId":8,"uploadUrl":"https://b.test/8","headers":{"Content-Type":"image/png","Authorization":"x"}}]}}`,
	`{"tenant_id":"t","subjects":[{"subject_id":"s1","faces":[{"face_id":"f1","name":"a.jpg","status":"processed","embedding":[0.1,0.2],"image_url":"https://b.test/a?sig=1","error":null}]},{"subject_id":"s1","faces":[{"face_id":"f2","status":"failed","error":{"code":"no_face_detected","message":"none"}}]}]}`,
	`[{"subjectId":1,"faces":[{},{"id":2,"status":"PROCESSING"}]},{},"x",null]`,
	`{"tenant_id":"t","count":2,"results":[{"rank":1,"subject_id":"s","face_id":"f","name":"n","image_url":"https://b.test/x?y=z","similarity_score":0.9},{"subjectId":"s2","faceId":"f2","similarity":"0.95"}]}`,
	`{"results":[{}, {"rank":"x","similarity_score":"NaN","subject_id":"a"}]}`,
	`{"subjects":[{"subject_id":"s","faces":` + `[{},{},{},{}]` + `}]}`,
	`[`, `{"subjects":{"subject_id":"lone","faces":{"face_id":"one"}}}`,
}

// FuzzFacesDecode: the enrol, subjects and search decoders never panic, and
// what they return holds together: subjects with unique non-empty ids and
// faces with unique non-empty ids; matches ranked 1..n, highest similarity
// first, each on the 0..1 scale; upload headers that never carry Authorization or a line break.
func FuzzFacesDecode(f *testing.F) {
	for _, s := range facesSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var subs wireSubjects
		if subs.UnmarshalJSON(b) == nil {
			seen := map[string]bool{}
			for _, s := range subs.subjects {
				if s.ID == "" || seen[s.ID] {
					t.Fatalf("subject id %q empty or repeated", s.ID)
				}
				seen[s.ID] = true
				faces := map[string]bool{}
				for _, fc := range s.Faces {
					if fc.ID == "" || faces[fc.ID] {
						t.Fatalf("face id %q empty or repeated", fc.ID)
					}
					faces[fc.ID] = true
				}
				if _, err := json.Marshal(s); err != nil {
					t.Fatal(err)
				}
			}
		}
		var ms wireMatches
		if ms.UnmarshalJSON(b) == nil {
			for i, m := range ms.matches {
				if !(m.Similarity >= 0 && m.Similarity <= 1) {
					t.Fatalf("match %d: similarity %v is off the 0..1 scale", i, m.Similarity)
				}
				if m.Rank != i+1 || (i > 0 && ms.matches[i-1].Similarity < m.Similarity) {
					t.Fatalf("match %d: %+v out of order", i, m)
				}
				if m.SubjectID == "" && m.FaceID == "" {
					t.Fatal("a match without ids")
				}
			}
		}
		var en wireEnrolled
		if en.UnmarshalJSON(b) == nil {
			for _, fc := range en.faces {
				h, err := fc.uploadHeader()
				if err != nil {
					continue
				}
				if h.Get("Authorization") != "" {
					t.Fatal("Authorization in upload headers")
				}
				for _, vs := range h {
					for _, v := range vs {
						if bytes.ContainsAny([]byte(v), "\r\n\x00") {
							t.Fatalf("header value %q", v)
						}
					}
				}
			}
		}
	})
}

// FuzzSearchBody: the multipart body has exactly the declared length,
// reads the same on every attempt, and parses back to the limit and the
// image bytes, whatever the file name.
func FuzzSearchBody(f *testing.F) {
	f.Add("probe.jpg", []byte("\xff\xd8\xff\xd9"), 50)
	f.Add(`a "quoted"\name.png`, []byte("--boundary\r\n"), 1)
	f.Add("line\r\nbreak.webp", []byte{}, 7)
	f.Fuzz(func(t *testing.T, name string, img []byte, limit int) {
		if len(img) == 0 {
			img = []byte{0}
		}
		src := &imageSource{name: name, contentType: "image/jpeg", r: bytes.NewReader(img), size: int64(len(img))}
		sb, err := newSearchBody(src, limit)
		if err != nil {
			return
		}
		var first []byte
		for attempt := 0; attempt < 2; attempt++ {
			rc, err := sb.open()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(got)) != sb.size {
				t.Fatalf("body of %d bytes, declared %d", len(got), sb.size)
			}
			if attempt == 1 && !bytes.Equal(first, got) {
				t.Fatal("a retry reads another body")
			}
			first = got
		}
		_, params, err := mime.ParseMediaType(sb.contentType)
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(bytes.NewReader(first), params["boundary"])
		fields := map[string][]byte{}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("multipart: %v", err)
			}
			b, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			fields[p.FormName()] = b
		}
		if string(fields["limit"]) != strconv.Itoa(limit) || !bytes.Equal(fields["image"], img) {
			t.Fatalf("fields %q", fields)
		}
	})
}
