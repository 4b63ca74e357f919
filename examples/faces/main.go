// Command faces enrols people's face photos and searches a new photo
// against them (face indexing).
//
//	go run ./examples/faces [-limit 5] [-json] [-person NAME=IMG[,IMG...]]... [-search IMG]
//
// With AUTHENTA_API_KEY set it talks to the real service and needs
// -person and -search. Without it, it starts the embedded fake platform
// (package authentatest), says so on stderr, and with no arguments enrols
// two generated people (one of them from a sideways phone photo, which the
// SDK turns upright) and searches a new photo of one of them.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(demo.Exit("faces", err, os.Stderr))
}

// person is one -person flag: a name and the photos to enrol.
type person struct {
	name   string
	images []string
}

// report is the -json output.
type report struct {
	Enrolled map[string]*authenta.Subject `json:"enrolled"`
	Search   string                       `json:"search"`
	Matches  []authenta.Match             `json:"matches"`
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("faces", flag.ContinueOnError)
	var people []person
	fs.Func("person", "a person to enrol: NAME=IMG[,IMG...] (1 to 10 JPEG, PNG or WebP photos); repeat for more people", func(v string) error {
		name, list, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(name) == "" || list == "" {
			return errors.New("want NAME=IMG[,IMG...]")
		}
		people = append(people, person{name: strings.TrimSpace(name), images: strings.Split(list, ",")})
		return nil
	})
	search := fs.String("search", "", "the photo to search for among the enrolled faces")
	limit := fs.Int("limit", 5, "how many matches to show (1..50)")
	asJSON := fs.Bool("json", false, "print the subjects and matches as JSON (image URLs redacted)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: faces [-limit 5] [-json] [-person NAME=IMG[,IMG...]]... [-search IMG]")
		fs.PrintDefaults()
	}
	if err := demo.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return demo.Usagef("unexpected argument %q", fs.Arg(0))
	}
	real := strings.TrimSpace(getenv(authenta.EnvAPIKey)) != ""
	if (len(people) == 0) != (*search == "") || (real && len(people) == 0) {
		fs.Usage()
		return demo.Usagef("give -person and -search together (they are optional only on the embedded fake)")
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	client, done, err := demo.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()
	if len(people) == 0 {
		dir, err := os.MkdirTemp("", "authenta-faces-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if people, *search, err = samples(dir); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "No photos given: enrolling two generated people from %s.\n", dir)
	}

	enrolled := map[string]*authenta.Subject{}
	names := map[string]string{} // subject ID -> person
	for _, p := range people {
		sub, err := client.Faces.Enroll(ctx, p.images)
		if err != nil {
			return fmt.Errorf("enrol %s: %w", p.name, err)
		}
		sub, err = client.Faces.WaitEnrolled(ctx, sub.ID, &authenta.WaitOptions{MinInterval: 100 * time.Millisecond})
		if err != nil {
			return fmt.Errorf("enrol %s: %w", p.name, err)
		}
		enrolled[p.name], names[sub.ID] = sub, p.name
		if !*asJSON {
			fmt.Fprintf(stdout, "enrolled %s: subject %s, %d face(s) processed\n", p.name, sub.ID, len(sub.Faces))
		}
	}
	matches, err := client.Faces.Search(ctx, *search, &authenta.SearchOptions{Limit: *limit})
	if err != nil {
		return fmt.Errorf("search %s: %w", filepath.Base(*search), err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report{Enrolled: enrolled, Search: filepath.Base(*search), Matches: matches})
	}
	fmt.Fprintf(stdout, "search %s: %d match(es)\n", filepath.Base(*search), len(matches))
	for _, m := range matches {
		who := names[m.SubjectID]
		if who == "" {
			who = "(enrolled earlier)"
		}
		fmt.Fprintf(stdout, "%3d. %-10s similarity %.3f  face %s (%s) of subject %s\n", m.Rank, who, m.Similarity, m.FaceID, m.Name, m.SubjectID)
	}
	return nil
}

// samples writes the demo's photos: two of alice (one stored sideways,
// as a phone does, with an EXIF orientation), one of bob, and a new photo
// of alice to search with.
func samples(dir string) ([]person, string, error) {
	files := map[string][]byte{
		"alice-front.jpg": authentatest.Portrait(1, 320, 400),
		"alice-phone.jpg": authentatest.Sideways(1, 300, 400, 6),
		"bob.png":         authentatest.PortraitPNG(2, 320, 320),
		"who-is-this.jpg": authentatest.Portrait(1, 640, 800),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return nil, "", err
		}
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	return []person{
		{"alice", []string{p("alice-front.jpg"), p("alice-phone.jpg")}},
		{"bob", []string{p("bob.png")}},
	}, p("who-is-this.jpg"), nil
}
