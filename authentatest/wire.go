package authentatest

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	authenta "github.com/phospheneai/authenta-go"
)

const tenantID = "tenant_authentatest"

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// idJSON writes a job id as the server's IDStyle says.
func (s *Server) idJSON(j *job) json.RawMessage {
	n := strconv.FormatUint(j.idNum, 10)
	if s.cfg.ids == IDNumber {
		return json.RawMessage(n)
	}
	return json.RawMessage(`"` + n + `"`)
}

// idFields starts a small answer (finalize, cancel) with the job's id
// under the JobShape's name.
func (s *Server) idFields(j *job) map[string]any {
	if s.cfg.jobShape == JobByJobID {
		return map[string]any{"jobId": s.idJSON(j)}
	}
	return map[string]any{"id": s.idJSON(j)}
}

// taskTypeIDJSON is a number in the reference page's shape and a string
// in the TypeScript SDK's.
func (s *Server) taskTypeIDJSON(t authenta.TaskType) json.RawMessage {
	if s.cfg.jobShape == JobByJobID {
		return json.RawMessage(strconv.Itoa(t.ID))
	}
	return json.RawMessage(`"` + strconv.Itoa(t.ID) + `"`)
}

type createdInput struct {
	SlotName           string `json:"slotName"`
	UploadURL          string `json:"uploadUrl"`
	UploadURLExpiresAt string `json:"uploadUrlExpiresAt,omitempty"`
	ContentType        string `json:"contentType,omitempty"`
	FileName           string `json:"fileName,omitempty"`
	SizeBytes          int64  `json:"sizeBytes,omitempty"`
}

func (s *Server) createdJSON(j *job, now time.Time) any {
	inputs := make([]createdInput, len(j.inputs))
	for i, in := range j.inputs {
		u, exp := s.presign("PUT", uploadPath(j.id, in.Slot, in.FileName), in.ContentType, s.cfg.uploadTTL, now)
		inputs[i] = createdInput{SlotName: in.Slot, UploadURL: u}
		if s.cfg.createShape == CreateFlat {
			inputs[i].ContentType, inputs[i].FileName, inputs[i].SizeBytes = in.ContentType, in.FileName, in.Size
		} else {
			inputs[i].UploadURLExpiresAt = isoTime(exp)
		}
	}
	if s.cfg.reverseInputs {
		slices.Reverse(inputs)
	}
	status := s.cfg.vocabulary.Word(j.status)
	if s.cfg.createShape == CreateFlat {
		return struct {
			JobID      json.RawMessage `json:"jobId"`
			TaskTypeID int             `json:"taskTypeId"`
			Status     string          `json:"status"`
			CreatedAt  string          `json:"createdAt"`
			UpdatedAt  string          `json:"updatedAt"`
			Inputs     []createdInput  `json:"inputs"`
		}{s.idJSON(j), j.task.ID, status, isoTime(j.created), isoTime(j.updated), inputs}
	}
	type nestedJob struct {
		ID         json.RawMessage `json:"id"`
		TenantID   string          `json:"tenantId"`
		TaskTypeID string          `json:"taskTypeId"`
		Status     string          `json:"status"`
		Cost       float64         `json:"cost"`
		CreatedAt  string          `json:"createdAt"`
		UpdatedAt  string          `json:"updatedAt"`
		Result     json.RawMessage `json:"result"`
	}
	return struct {
		Job    nestedJob      `json:"job"`
		Inputs []createdInput `json:"inputs"`
	}{
		nestedJob{s.idJSON(j), tenantID, strconv.Itoa(j.task.ID), status, j.cost, isoTime(j.created), isoTime(j.updated), json.RawMessage("null")},
		inputs,
	}
}

type wireInput struct {
	SlotName    string `json:"slotName"`
	ContentType string `json:"contentType"`
	FileName    string `json:"fileName"`
	SizeBytes   int64  `json:"sizeBytes"`
}

type wireArtifact struct {
	ID          string          `json:"id"`
	Kind        string          `json:"kind"`
	SlotName    *string         `json:"slotName"`
	Status      string          `json:"status"`
	ContentType string          `json:"contentType"`
	Metadata    json.RawMessage `json:"metadata"`
	DownloadURL string          `json:"downloadUrl"`
	CreatedAt   string          `json:"createdAt"`
}

type wireSlot struct {
	Name  string   `json:"name"`
	Mimes []string `json:"mimes"`
}

type wireTaskType struct {
	ID          string     `json:"id"`
	Slug        string     `json:"slug"`
	DisplayName string     `json:"displayName"`
	Description string     `json:"description"`
	InputSlots  []wireSlot `json:"inputSlots"`
	Status      string     `json:"status"`
	CreatedAt   string     `json:"createdAt"`
	UpdatedAt   string     `json:"updatedAt"`
}

// jobByID is the TypeScript SDK's ProcessedMedia.
type jobByID struct {
	ID           json.RawMessage `json:"id"`
	TenantID     string          `json:"tenantId"`
	TaskTypeID   string          `json:"taskTypeId"`
	Status       string          `json:"status"`
	Cost         float64         `json:"cost"`
	CreatedAt    string          `json:"createdAt"`
	UpdatedAt    string          `json:"updatedAt"`
	CompletedAt  string          `json:"completedAt,omitempty"`
	ErrorMessage string          `json:"errorMessage,omitempty"`
	Result       json.RawMessage `json:"result"`
	ResultURL    string          `json:"resultURL,omitempty"`
	Inputs       []wireInput     `json:"inputs"`
	Artifacts    []wireArtifact  `json:"artifacts"`
	TaskType     wireTaskType    `json:"taskType"`
	// IdentityDetails is FI-1's faces beside the result (see identityDetails).
	IdentityDetails json.RawMessage `json:"identityDetails,omitempty"`
}

// jobByJobID is the reference page's job.
type jobByJobID struct {
	JobID        json.RawMessage `json:"jobId"`
	TaskTypeID   int             `json:"taskTypeId"`
	TaskTypeSlug string          `json:"taskTypeSlug"`
	Status       string          `json:"status"`
	CreatedAt    string          `json:"createdAt"`
	UpdatedAt    string          `json:"updatedAt"`
	CompletedAt  string          `json:"completedAt,omitempty"`
	Inputs       []wireInput     `json:"inputs"`
	Result       json.RawMessage `json:"result,omitempty"`
	ResultURL    string          `json:"resultURL,omitempty"`
	ErrorMessage string          `json:"errorMessage,omitempty"`
	Artifacts    []wireArtifact  `json:"artifacts,omitempty"`
	// IdentityDetails is FI-1's faces beside the result (see identityDetails).
	IdentityDetails json.RawMessage `json:"identityDetails,omitempty"`
}

var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Server) jobJSON(j *job, uploaded map[string]bool, now time.Time) any {
	inputs := make([]wireInput, len(j.inputs))
	for i, in := range j.inputs {
		inputs[i] = wireInput{in.Slot, in.ContentType, in.FileName, in.Size}
	}
	completed := j.status == authenta.StatusCompleted
	d := s.cfg.delivery
	var artifacts []wireArtifact
	n := 0
	art := func(kind string, slot *string, ct string, meta json.RawMessage, path string) {
		n++
		u, _ := s.presign("GET", path, "", s.cfg.downloadTTL, now)
		artifacts = append(artifacts, wireArtifact{
			ID:          "art_" + j.id + "_" + strconv.Itoa(n),
			Kind:        kind,
			SlotName:    slot,
			Status:      "ready",
			ContentType: ct,
			Metadata:    meta,
			DownloadURL: u,
			CreatedAt:   isoTime(j.updated),
		})
	}
	for _, in := range j.inputs {
		if !uploaded[in.Slot] {
			continue
		}
		slot := in.Slot
		meta, _ := json.Marshal(map[string]any{"fileName": in.FileName, "sizeBytes": in.Size})
		art("input", &slot, in.ContentType, meta, uploadPath(j.id, in.Slot, in.FileName))
	}
	var inline json.RawMessage
	var resultURL string
	if completed && len(j.result) > 0 {
		if d == ResultArtifact || d == ResultArtifactAndInline {
			art("result", nil, "application/json", json.RawMessage("{}"), resultPath(j.id))
		}
		if d == ResultInline || d == ResultArtifactAndInline {
			inline = j.result
		}
		if d == ResultLegacyURL {
			resultURL, _ = s.presign("GET", resultPath(j.id), "", s.cfg.downloadTTL, now)
		}
	}
	if completed && hasHeatmap(j) {
		art("heatmap", nil, "image/png", json.RawMessage(`{"width":64,"height":64}`), heatmapPath(j.id))
	}
	status := s.cfg.vocabulary.Word(j.status)

	if s.cfg.jobShape == JobByJobID {
		return jobByJobID{
			JobID: s.idJSON(j), TaskTypeID: j.task.ID, TaskTypeSlug: j.task.Slug, Status: status,
			CreatedAt: isoTime(j.created), UpdatedAt: isoTime(j.updated), CompletedAt: isoTime(j.completedAt),
			Inputs: inputs, Result: inline, ResultURL: resultURL, ErrorMessage: j.errorMsg, Artifacts: artifacts,
			IdentityDetails: identityDetails(j),
		}
	}
	if inline == nil {
		inline = json.RawMessage("null")
	}
	if artifacts == nil {
		artifacts = []wireArtifact{}
	}
	slots := []wireSlot{{authenta.SlotOriginal, j.task.MIMETypes}}
	if j.task.ID == authenta.FaceIntelligence.ID {
		slots = append(slots, wireSlot{authenta.SlotReference, []string{"image/jpeg", "image/png"}})
	}
	return jobByID{
		ID: s.idJSON(j), TenantID: tenantID, TaskTypeID: strconv.Itoa(j.task.ID), Status: status,
		Cost: j.cost, CreatedAt: isoTime(j.created), UpdatedAt: isoTime(j.updated), CompletedAt: isoTime(j.completedAt),
		ErrorMessage: j.errorMsg, Result: inline, ResultURL: resultURL, Inputs: inputs, Artifacts: artifacts,
		IdentityDetails: identityDetails(j),
		TaskType: wireTaskType{
			ID: strconv.Itoa(j.task.ID), Slug: j.task.Slug, DisplayName: j.task.Name,
			Description: j.task.Name + " (" + j.task.Model + ")", InputSlots: slots, Status: "active",
			CreatedAt: isoTime(epoch), UpdatedAt: isoTime(epoch),
		},
	}
}

// hasHeatmap: the image detection tasks produce a heatmap PNG.
func hasHeatmap(j *job) bool {
	switch j.task.ID {
	case authenta.AIImageDetection.ID, authenta.ImageForgeryDetection.ID, authenta.DocumentIntelligence.ID:
		return len(j.inputs) > 0 && strings.HasPrefix(j.inputs[0].ContentType, "image/")
	}
	return false
}

type listItem struct {
	ID         json.RawMessage `json:"id,omitempty"`
	JobID      json.RawMessage `json:"jobId,omitempty"`
	TaskTypeID json.RawMessage `json:"taskTypeId"`
	Status     string          `json:"status"`
	CreatedAt  string          `json:"createdAt"`
	UpdatedAt  string          `json:"updatedAt"`
}

func (s *Server) listItemJSON(j *job) listItem {
	it := listItem{TaskTypeID: s.taskTypeIDJSON(j.task), Status: s.cfg.vocabulary.Word(j.status),
		CreatedAt: isoTime(j.created), UpdatedAt: isoTime(j.updated)}
	if s.cfg.jobShape == JobByJobID {
		it.JobID = s.idJSON(j)
	} else {
		it.ID = s.idJSON(j)
	}
	return it
}

// Object paths on the storage host.
const bucket = "/authenta-storage"

func uploadPath(id, slot, fileName string) string {
	return bucket + "/jobs/" + id + "/inputs/" + url.PathEscape(slot) + "/" + url.PathEscape(fileName)
}

func resultPath(id string) string  { return bucket + "/jobs/" + id + "/result.json" }
func heatmapPath(id string) string { return bucket + "/jobs/" + id + "/heatmap.png" }
