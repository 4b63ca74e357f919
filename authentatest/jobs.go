package authentatest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	authenta "github.com/phospheneai/authenta-go"
)

// job is the server's record of a job. It is guarded by Server.mu; a copy
// (with uploads cleared) is rendered outside the lock. Inputs, params and
// result never change after create, so copies share them.
type job struct {
	id    string
	idNum uint64
	task  authenta.TaskType
	key   string

	inputs []authenta.Input
	params map[string]any

	status     authenta.Status
	stageStart time.Time // when the current queued or processing stage began
	stagePolls int       // GETs that saw the job in the current stage
	polls      int       // every GET of the job

	schedule Schedule
	outcome  Outcome
	result   json.RawMessage
	cost     float64
	charged  float64
	errorMsg string

	created, updated, queuedAt, completedAt, deletedAt time.Time
	deleted                                            bool

	uploads map[string]*UploadRecord // by slot
}

// advance moves a queued or processing job along its schedule, as far as
// now allows. Only a poll (a GET of the job) ends a stage that waits for
// polls; any look at the job ends a stage whose time is up.
func (j *job) advance(now time.Time, poll bool) {
	for {
		var polls int
		var dur time.Duration
		switch j.status {
		case authenta.StatusQueued:
			polls, dur = j.schedule.QueuedPolls, j.schedule.QueuedFor
		case authenta.StatusProcessing:
			polls, dur = j.schedule.ProcessingPolls, j.schedule.ProcessingFor
		default:
			return
		}
		if polls == Forever || j.stagePolls < polls || (polls > 0 && !poll) || now.Sub(j.stageStart) < dur {
			return
		}
		// The stage ended when its time ran out, or at this poll when it
		// waited for polls.
		end := j.stageStart.Add(dur)
		if polls > 0 {
			end = now
		}
		j.stageStart, j.stagePolls, j.updated = end, 0, end
		switch {
		case j.status == authenta.StatusQueued && j.outcome.Status == authenta.StatusCancelled:
			j.status = authenta.StatusCancelled
		case j.status == authenta.StatusQueued:
			j.status = authenta.StatusProcessing
		default:
			j.finish(end)
		}
	}
}

func (j *job) finish(at time.Time) {
	j.status = j.outcome.Status
	j.completedAt, j.updated = at, at
	if j.status == authenta.StatusFailed {
		j.errorMsg = j.outcome.ErrorMessage
	}
}

func (j *job) uploadedSlots() map[string]bool {
	m := make(map[string]bool, len(j.uploads))
	for slot, u := range j.uploads {
		if u.OK {
			m[slot] = true
		}
	}
	return m
}

// JobInfo is the server's view of a job, for assertions.
type JobInfo struct {
	ID         string
	TaskType   authenta.TaskType
	Status     authenta.Status // normalised, whatever vocabulary is on the wire
	Inputs     []authenta.Input
	Parameters map[string]any
	// Finalized is set once finalize succeeded.
	Finalized    bool
	Deleted      bool
	ErrorMessage string
	Polls        int     // GETs of the job
	Cost         float64 // credits finalize charges
	Charged      float64 // credits finalize charged (0 before)
	Result       json.RawMessage
	Uploads      map[string]UploadRecord // by slot
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (j *job) info() JobInfo {
	ji := JobInfo{
		ID:           j.id,
		TaskType:     j.task,
		Status:       j.status,
		Inputs:       slices.Clone(j.inputs),
		Parameters:   maps.Clone(j.params),
		Finalized:    !j.queuedAt.IsZero(),
		Deleted:      j.deleted,
		ErrorMessage: j.errorMsg,
		Polls:        j.polls,
		Cost:         j.cost,
		Charged:      j.charged,
		Result:       slices.Clone(j.result),
		Uploads:      make(map[string]UploadRecord, len(j.uploads)),
		CreatedAt:    j.created,
		UpdatedAt:    j.updated,
	}
	for slot, u := range j.uploads {
		ji.Uploads[slot] = u.clone()
	}
	return ji
}

// Job returns the server's view of a job, deleted ones included. Looking
// does not count as a poll, but it does move the job along a time-based
// schedule.
func (s *Server) Job(id string) (JobInfo, bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok {
		return JobInfo{}, false
	}
	if !j.deleted {
		j.advance(now, false)
	}
	return j.info(), true
}

// Jobs returns every job the server has created, oldest first, deleted ones
// included.
func (s *Server) Jobs() []JobInfo {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobInfo, 0, len(s.order))
	for _, j := range s.order {
		if !j.deleted {
			j.advance(now, false)
		}
		out = append(out, j.info())
	}
	return out
}

// SetJobStatus moves a job to a status at once, whatever its schedule: to
// hold it processing for a test of cancel or delete, or to fail it
// (errorMessage msg). A job moved to queued or processing then follows its
// schedule from there.
func (s *Server) SetJobStatus(id string, status authenta.Status, msg string) error {
	switch status {
	case authenta.StatusPending, authenta.StatusQueued, authenta.StatusProcessing,
		authenta.StatusCompleted, authenta.StatusFailed, authenta.StatusCancelled:
	default:
		return fmt.Errorf("authentatest: unknown status %q", status)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok || j.deleted {
		return fmt.Errorf("authentatest: no job %q", id)
	}
	j.status, j.stageStart, j.stagePolls, j.updated = status, now, 0, now
	if status != authenta.StatusPending && j.queuedAt.IsZero() {
		j.queuedAt = now
	}
	if status.Terminal() {
		j.completedAt = now
	}
	j.errorMsg = ""
	if status == authenta.StatusFailed {
		j.errorMsg = msg
		if msg == "" {
			j.errorMsg = DefaultFailureMessage
		}
	}
	return nil
}

// UploadRecord is what the storage host received for one input slot.
type UploadRecord struct {
	JobID string
	Slot  string
	// PUTs counts every PUT that reached the slot's URL, failed ones
	// included; Failures the ones that got an error answer.
	PUTs     int
	Failures int
	// OK is set once a PUT succeeded. Bytes, SHA256 (hex) and ContentType
	// describe the last successful one.
	OK          bool
	Bytes       int64
	SHA256      string
	ContentType string
	// Data is the body of the last successful PUT, with WithKeepUploads.
	Data []byte
}

func (u *UploadRecord) clone() UploadRecord {
	c := *u
	c.Data = slices.Clone(u.Data)
	return c
}

// Upload returns what the storage host received for a job's slot.
func (s *Server) Upload(id, slot string) (UploadRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok {
		return UploadRecord{}, false
	}
	u, ok := j.uploads[slot]
	if !ok {
		return UploadRecord{}, false
	}
	return u.clone(), true
}

// Uploads returns the upload records of every job, by job then slot.
func (s *Server) Uploads() []UploadRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []UploadRecord
	for _, j := range s.order {
		for _, in := range j.inputs {
			if u, ok := j.uploads[in.Slot]; ok {
				out = append(out, u.clone())
			}
		}
	}
	return out
}
