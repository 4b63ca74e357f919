package authenta

// Verdict folds every verdict the document carries into one answer:
//
//   - VerdictFake when any says fake: isDeepFake, isAIGenerated or the
//     legacy fake; isFake or isTampered (DI-1, FD-1); a spoof, i.e. not
//     live (FL-1, FI-1 liveness, isSpoof); a face swap found (FI-1's
//     isDeepFake); any identity that is fake or spoofed, by its flags, its
//     class or its frames' classes; a legacy deepFakes count above zero;
//     a top-level class such as "fake";
//   - VerdictReal when some say real and none says fake;
//   - with no such flag at all, RealConfidencePercent decides (below 50 is
//     fake);
//   - VerdictUnknown only when the document says nothing either way (a
//     face embedding, an audio split, a similarity check alone).
//
// A similarity mismatch (IsSimilar false) is not a fake: it is IsSimilar.
func (r *Result) Verdict() Verdict {
	if r == nil {
		return VerdictUnknown
	}
	v := r.flagVerdict()
	for i := range r.Identities {
		v = fold(v, r.Identities[i].verdict())
	}
	v = fold(v, r.hint)
	if v == VerdictUnknown && r.RealConfidencePercent != nil {
		if p := *r.RealConfidencePercent; p >= 0 && p <= 100 {
			if p < 50 {
				return VerdictFake
			}
			return VerdictReal
		}
	}
	return v
}

// flagVerdict folds the document's top-level flags.
func (r *Result) flagVerdict() Verdict {
	v := VerdictUnknown
	for _, f := range [...]struct {
		b    *bool
		fake bool // the value that means fake
	}{
		{r.IsDeepFake, true}, {r.IsAIGenerated, true}, {r.IsFake, true},
		{r.IsTampered, true}, {r.IsLive, false}, {r.IsSpoof, true},
	} {
		if f.b != nil {
			v = fold(v, boolVerdict(*f.b == f.fake))
		}
	}
	return v
}

// fold combines two verdicts: fake wins, then real.
func fold(a, b Verdict) Verdict {
	switch {
	case a == VerdictFake || b == VerdictFake:
		return VerdictFake
	case a == VerdictReal || b == VerdictReal:
		return VerdictReal
	}
	return VerdictUnknown
}

func boolVerdict(fake bool) Verdict {
	if fake {
		return VerdictFake
	}
	return VerdictReal
}

// verdict is what the identity's flags and class say, and the classes of
// its frames when the model labelled them one by one.
func (id *Identity) verdict() Verdict {
	v := VerdictUnknown
	if id.IsDeepFake != nil {
		v = fold(v, boolVerdict(*id.IsDeepFake))
	}
	if id.IsLive != nil {
		v = fold(v, boolVerdict(!*id.IsLive))
	}
	v = fold(v, classVerdict(id.Class))
	for i := range id.Boxes {
		if v == VerdictFake {
			break
		}
		v = fold(v, classVerdict(id.Boxes[i].Class))
	}
	return v
}

// FakeProbability returns the probability, from 0 to 1, that the media is
// fake, whatever scale the model reported it on: 1 − RealConfidencePercent/100;
// else the document's confidence (0..1 or a percentage) in its own flags'
// verdict; else the highest of the identities' (each identity's confidence
// in its class). ok is false when the document gives no score.
func (r *Result) FakeProbability() (p float64, ok bool) {
	if r == nil {
		return 0, false
	}
	if rc := r.RealConfidencePercent; rc != nil && *rc >= 0 && *rc <= 100 {
		return 1 - *rc/100, true
	}
	if c := unitScore(r.Confidence); c != nil {
		switch r.flagVerdict() {
		case VerdictFake:
			return *c, true
		case VerdictReal:
			return 1 - *c, true
		}
	}
	for i := range r.Identities {
		if q, has := r.Identities[i].fakeProbability(); has && (!ok || q > p) {
			p, ok = q, true
		}
	}
	return p, ok
}

// fakeProbability is the identity's confidence in its class, as a
// probability of fake.
func (id *Identity) fakeProbability() (float64, bool) {
	c := unitScore(id.Confidence)
	if c == nil {
		return 0, false
	}
	switch id.verdict() {
	case VerdictFake:
		return *c, true
	case VerdictReal:
		return 1 - *c, true
	}
	return 0, false
}

// Similarity returns the face similarity score on a 0..1 scale. The wire
// sends 0..1 or a percentage (82.67): a score above 1 is read as a
// percentage. ok is false without a score, or with one outside 0..100.
func (r *Result) Similarity() (score float64, ok bool) {
	if r == nil {
		return 0, false
	}
	if s := unitScore(r.SimilarityScore); s != nil {
		return *s, true
	}
	return 0, false
}
