package authentatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	authenta "github.com/phospheneai/authenta-go"
)

// routeMatch is what a request path names.
type routeMatch struct {
	route Route
	id    string
	// storage only
	object objectKind
	slot   string
}

const apiJobs = "/api/v1/jobs"

func matchAPI(method, path string) routeMatch {
	if path == apiJobs || path == apiJobs+"/" {
		switch method {
		case http.MethodPost:
			return routeMatch{route: RouteCreate}
		case http.MethodGet:
			return routeMatch{route: RouteList}
		}
		return routeMatch{}
	}
	rest, ok := strings.CutPrefix(path, apiJobs+"/")
	if !ok || rest == "" {
		return routeMatch{}
	}
	id, suffix, _ := strings.Cut(rest, "/")
	if id == "" {
		return routeMatch{}
	}
	switch {
	case suffix == "" && method == http.MethodGet:
		return routeMatch{route: RouteGet, id: id}
	case suffix == "" && method == http.MethodDelete:
		return routeMatch{route: RouteDelete, id: id}
	case suffix == "finalize" && method == http.MethodPost:
		return routeMatch{route: RouteFinalize, id: id}
	case suffix == "cancel" && method == http.MethodPost:
		return routeMatch{route: RouteCancel, id: id}
	}
	return routeMatch{id: id}
}

// apiError is an error answer of the API: {"code","statusCode","message"}.
type apiError struct {
	status  int
	code    string
	message string
}

func (s *Server) writeAPIError(w http.ResponseWriter, status int, code, message string) {
	b, _ := json.Marshal(struct {
		Code       string `json:"code"`
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
	}{code, status, message})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.writeAPIError(w, 500, "INTERNAL_SERVER_ERROR", "authentatest: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// The authentication page's errors.
var (
	errInvalidKey   = &apiError{401, "INVALID_API_KEY", "API key authentication failed"}
	errForbidden    = &apiError{403, "FORBIDDEN", "You don't have permission to access this"}
	errNoBalance    = &apiError{402, "INSUFFICIENT_BALANCE", "Insufficient balance. Please top up or enable pay-as-you-go billing"}
	errNotFinalized = &apiError{400, "BAD_REQUEST", "Job not found or already finalized"}
)

func jobNotFound(id string) *apiError {
	return &apiError{404, "JOB_NOT_FOUND", "Job with ID " + id + " does not exist"}
}

func validation(format string, args ...any) *apiError {
	return &apiError{400, "VALIDATION_ERROR", fmt.Sprintf(format, args...)}
}

// needs returns the permission a route needs.
func needs(r Route) Permission {
	switch r {
	case RouteGet, RouteList, RouteFaceSubjects, RouteFaceSearch:
		return PermRead
	case RouteDelete:
		return PermDelete
	}
	return PermWrite
}

// authorize checks a request in the documented order: the Authorization
// header, the key's format, the key itself, the permission, and (for
// create and finalize) the balance.
func (s *Server) authorize(r *http.Request, route Route) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(auth, " ")
	tok = strings.TrimSpace(tok)
	if auth == "" || !ok || !strings.EqualFold(scheme, "Bearer") || !validKeyFormat(tok) {
		return "", errInvalidKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[tok]
	switch {
	case !ok:
		return "", errInvalidKey
	case k.Permissions&needs(route) == 0:
		return "", errForbidden
	case (route == RouteCreate || route == RouteFinalize) && !(k.Balance > 0):
		return "", errNoBalance
	}
	return tok, nil
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, rt routeMatch) {
	w.Header().Set("X-Request-Id", "req_"+strconv.FormatUint(s.reqIDs.Add(1), 10))
	if rt.route == "" {
		if rt.id != "" || strings.HasPrefix(r.URL.Path, apiJobs) {
			w.Header().Set("Allow", "GET, POST, DELETE")
		}
		s.writeAPIError(w, 404, "NOT_FOUND", "Cannot "+r.Method+" "+r.URL.Path)
		return
	}
	key, aerr := s.authorize(r, rt.route)
	if aerr == nil {
		switch rt.route {
		case RouteCreate:
			aerr = s.create(w, r, key)
		case RouteFinalize:
			aerr = s.finalize(w, rt.id, key)
		case RouteGet:
			aerr = s.get(w, rt.id)
		case RouteList:
			aerr = s.list(w, r.URL.Query())
		case RouteCancel:
			aerr = s.cancel(w, rt.id)
		case RouteDelete:
			aerr = s.delete(w, rt.id)
		case RouteFaceEnroll, RouteFaceSubjects, RouteFaceSearch:
			s.serveFaces(w, r, rt.route)
		}
	}
	if aerr != nil {
		s.writeAPIError(w, aerr.status, aerr.code, aerr.message)
	}
}

// createBody is the create request. Fields are raw so that their types
// can be checked one by one, with the messages a validating server gives.
type createBody struct {
	TaskTypeID json.RawMessage   `json:"taskTypeId"`
	Inputs     []json.RawMessage `json:"inputs"`
	Parameters json.RawMessage   `json:"parameters"`
}

type createInput struct {
	SlotName    json.RawMessage `json:"slotName"`
	ContentType json.RawMessage `json:"contentType"`
	FileName    json.RawMessage `json:"fileName"`
	SizeBytes   json.RawMessage `json:"sizeBytes"`
}

const maxCreateBody = 1 << 20

func (s *Server) create(w http.ResponseWriter, r *http.Request, key string) *apiError {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxCreateBody+1))
	if err != nil {
		return validation("could not read the request body")
	}
	if len(raw) > maxCreateBody {
		return &apiError{413, "PAYLOAD_TOO_LARGE", "request entity too large"}
	}
	var body createBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return validation("Request body must be a JSON object: %v", err)
	}
	task, aerr := parseTaskTypeID(body.TaskTypeID, r.URL.Query().Get("taskTypeId"))
	if aerr != nil {
		return aerr
	}
	params, aerr := parseParameters(body.Parameters)
	if aerr != nil {
		return aerr
	}
	inputs, aerr := parseInputs(task, body.Inputs, params)
	if aerr != nil {
		return aerr
	}

	now := s.now()
	s.mu.Lock()
	idNum := s.nextID
	s.nextID++
	sched, outcome := s.schedule, s.outcome
	s.mu.Unlock()

	jc := JobConfig{
		ID:         strconv.FormatUint(idNum, 10),
		TaskType:   task,
		Inputs:     inputs,
		Parameters: params,
		Schedule:   sched,
		Outcome:    outcome,
		Result:     s.cfg.results[task.ID],
		Cost:       s.cost(task),
	}
	if jc.Result == nil {
		jc.Result = defaultResult(task, params, inputs, s.cfg.embeddingStyle)
	}
	if s.cfg.hook != nil {
		s.cfg.hook(&jc)
		jc.Inputs, jc.ID = inputs, strconv.FormatUint(idNum, 10)
		if jc.Schedule.validate() != nil {
			jc.Schedule = sched
		}
		if o, err := jc.Outcome.normalized(); err == nil {
			jc.Outcome = o
		} else {
			jc.Outcome = outcome
		}
		if !json.Valid(jc.Result) {
			jc.Result = nil
		}
	}
	j := &job{
		id:       jc.ID,
		idNum:    idNum,
		task:     task,
		key:      key,
		inputs:   inputs,
		params:   params,
		status:   authenta.StatusPending,
		schedule: jc.Schedule,
		outcome:  jc.Outcome,
		result:   jc.Result,
		cost:     jc.Cost,
		created:  now,
		updated:  now,
		uploads:  make(map[string]*UploadRecord, len(inputs)),
	}
	s.mu.Lock()
	s.jobs[j.id] = j
	s.order = append(s.order, j)
	v := *j
	s.mu.Unlock()

	s.writeJSON(w, s.cfg.createStatus, s.createdJSON(&v, now))
	return nil
}

func (s *Server) cost(task authenta.TaskType) float64 {
	if c, ok := s.cfg.costs[task.ID]; ok {
		return c
	}
	return defaultCosts[task.ID]
}

var defaultCosts = map[int]float64{1: 1, 2: 2, 3: 5, 4: 10, 5: 1, 6: 2, 7: 1, 8: 2, 9: 1, 10: 2, 11: 5}

func parseTaskTypeID(raw json.RawMessage, query string) (authenta.TaskType, *apiError) {
	var s string
	switch {
	case len(raw) == 0 || string(raw) == "null":
		if query == "" {
			return authenta.TaskType{}, &apiError{400, "INVALID_TASK_TYPE", "taskTypeId is required"}
		}
		s = query
	case raw[0] == '"':
		_ = json.Unmarshal(raw, &s)
	case raw[0] >= '0' && raw[0] <= '9' || raw[0] == '-':
		s = string(raw)
	default:
		return authenta.TaskType{}, &apiError{400, "INVALID_TASK_TYPE", "taskTypeId must be a string or a number"}
	}
	id, err := strconv.Atoi(strings.TrimSpace(s))
	if err == nil {
		for _, t := range authenta.TaskTypes() {
			if t.ID == id {
				return t, nil
			}
		}
	}
	return authenta.TaskType{}, &apiError{400, "INVALID_TASK_TYPE", "Task type ID " + truncate(s, 40) + " does not exist"}
}

func parseParameters(raw json.RawMessage) (map[string]any, *apiError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, validation("parameters must be an object")
	}
	var p map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return nil, validation("parameters must be an object")
	}
	return p, nil
}

// flag reads a boolean parameter as the service does: true, or "true" in
// any case.
func flag(params map[string]any, name string) bool {
	switch v := params[name].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(strings.TrimSpace(v), "true")
	}
	return false
}

func parseInputs(task authenta.TaskType, raws []json.RawMessage, params map[string]any) ([]authenta.Input, *apiError) {
	if len(raws) == 0 {
		return nil, validation("inputs must be a non-empty array")
	}
	if len(raws) > 2 {
		return nil, validation("at most 2 inputs are allowed, got %d", len(raws))
	}
	inputs := make([]authenta.Input, 0, len(raws))
	for i, raw := range raws {
		var ci createInput
		if err := json.Unmarshal(raw, &ci); err != nil || len(raw) == 0 || raw[0] != '{' {
			return nil, validation("inputs[%d] must be an object", i)
		}
		slot, ok1 := jsonString(ci.SlotName)
		ct, ok2 := jsonString(ci.ContentType)
		name, ok3 := jsonString(ci.FileName)
		switch {
		case !ok1 || slot == "":
			return nil, validation("inputs[%d].slotName must be a non-empty string", i)
		case !ok2 || ct == "":
			return nil, validation("inputs[%d].contentType must be a non-empty string", i)
		case !ok3 || name == "":
			return nil, validation("inputs[%d].fileName must be a non-empty string", i)
		}
		size, err := strconv.ParseInt(string(ci.SizeBytes), 10, 64)
		if err != nil || size <= 0 {
			return nil, validation("inputs[%d].sizeBytes must be a positive integer", i)
		}
		if slot != authenta.SlotOriginal && !(slot == authenta.SlotReference && task.ID == authenta.FaceIntelligence.ID) {
			return nil, validation("Task type %d (%s) has no input slot %q", task.ID, task.Slug, slot)
		}
		for _, prev := range inputs {
			if prev.Slot == slot {
				return nil, validation("inputs[%d]: duplicate slotName %q", i, slot)
			}
		}
		if !task.Accepts(ct) {
			return nil, &apiError{400, "UNSUPPORTED_MEDIA_TYPE", fmt.Sprintf("Task type %d (%s) does not support media type: %s", task.ID, task.Slug, truncate(ct, 100))}
		}
		inputs = append(inputs, authenta.Input{Slot: slot, FileName: name, ContentType: ct, Size: size})
	}
	hasOriginal, hasReference := false, false
	for _, in := range inputs {
		hasOriginal = hasOriginal || in.Slot == authenta.SlotOriginal
		hasReference = hasReference || in.Slot == authenta.SlotReference
	}
	if !hasOriginal {
		return nil, validation("an input in slot %q is required", authenta.SlotOriginal)
	}
	if task.ID == authenta.FaceIntelligence.ID && flag(params, "isSimilarityCheck") && !hasReference {
		return nil, validation("isSimilarityCheck requires a %q input", authenta.SlotReference)
	}
	return inputs, nil
}

func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// jobFor returns the live job with an id and advances its state to now.
// The caller holds s.mu.
func (s *Server) jobFor(id string, now time.Time, poll bool) (*job, *apiError) {
	j, ok := s.jobs[id]
	if !ok || j.deleted {
		return nil, jobNotFound(truncate(id, 64))
	}
	j.advance(now, poll)
	return j, nil
}

// update finds the live job with an id, advances its state to now, and
// runs change on it, all under s.mu; it returns a copy of the job as change
// left it (without its uploads), for the answer to be written unlocked.
func (s *Server) update(id string, poll bool, change func(j *job, now time.Time) *apiError) (job, *apiError) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	j, aerr := s.jobFor(id, now, poll)
	if aerr == nil {
		aerr = change(j, now)
	}
	if aerr != nil {
		return job{}, aerr
	}
	v := *j
	v.uploads = nil
	return v, nil
}

// writeStatus writes the short answer of finalize and cancel: the job's id,
// task type and status, plus fields.
func (s *Server) writeStatus(w http.ResponseWriter, v *job, fields map[string]any) {
	out := s.idFields(v)
	out["taskTypeId"] = s.taskTypeIDJSON(v.task)
	out["status"] = s.cfg.vocabulary.Word(v.status)
	out["updatedAt"] = isoTime(v.updated)
	for k, f := range fields {
		out[k] = f
	}
	s.writeJSON(w, 200, out)
}

func (s *Server) finalize(w http.ResponseWriter, id, key string) *apiError {
	v, aerr := s.update(id, false, func(j *job, now time.Time) *apiError {
		if j.status != authenta.StatusPending {
			return errNotFinalized
		}
		for _, in := range j.inputs {
			if u := j.uploads[in.Slot]; u == nil || !u.OK {
				return &apiError{400, "UPLOAD_INCOMPLETE", fmt.Sprintf("Input %q has not been uploaded", in.Slot)}
			}
		}
		k := s.keys[key]
		if k == nil || k.Balance < j.cost {
			return errNoBalance
		}
		k.Balance -= j.cost
		j.charged = j.cost
		j.status = authenta.StatusQueued
		j.stageStart, j.stagePolls = now, 0
		j.queuedAt, j.updated = now, now
		return nil
	})
	if aerr != nil {
		return aerr
	}
	s.writeStatus(w, &v, map[string]any{"queuedAt": isoTime(v.queuedAt), "message": "Job successfully queued for processing"})
	return nil
}

func (s *Server) get(w http.ResponseWriter, id string) *apiError {
	var uploaded map[string]bool
	v, aerr := s.update(id, true, func(j *job, _ time.Time) *apiError {
		j.polls++
		if j.status == authenta.StatusQueued || j.status == authenta.StatusProcessing {
			j.stagePolls++
		}
		uploaded = j.uploadedSlots()
		return nil
	})
	if aerr != nil {
		return aerr
	}
	s.writeJSON(w, 200, s.jobJSON(&v, uploaded, s.now()))
	return nil
}

func (s *Server) cancel(w http.ResponseWriter, id string) *apiError {
	v, aerr := s.update(id, false, func(j *job, now time.Time) *apiError {
		switch j.status {
		case authenta.StatusProcessing, authenta.StatusCompleted:
			return &apiError{409, "JOB_NOT_CANCELLABLE", "Job " + id + " is already " + string(j.status) + " and cannot be cancelled"}
		case authenta.StatusFailed, authenta.StatusCancelled:
			return &apiError{422, "INVALID_JOB_STATE", "Job " + id + " is " + string(j.status) + " and cannot be cancelled"}
		}
		j.status = authenta.StatusCancelled
		j.updated = now
		return nil
	})
	if aerr != nil {
		return aerr
	}
	s.writeStatus(w, &v, map[string]any{"message": "Job successfully cancelled"})
	return nil
}

func (s *Server) delete(w http.ResponseWriter, id string) *apiError {
	_, aerr := s.update(id, false, func(j *job, now time.Time) *apiError {
		if j.status == authenta.StatusProcessing {
			return &apiError{409, "JOB_PROCESSING", "Job " + id + " is processing and cannot be deleted"}
		}
		j.deleted = true
		j.deletedAt = now
		for _, u := range j.uploads {
			u.Data = nil
		}
		return nil
	})
	if aerr != nil {
		return aerr
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

const defaultListLimit = 10

func (s *Server) list(w http.ResponseWriter, q url.Values) *apiError {
	num := func(name string, def int) (int, *apiError) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, validation("%s must be a non-negative integer", name)
		}
		return n, nil
	}
	limit, aerr := num("limit", 0)
	if aerr != nil {
		return aerr
	}
	if limit == 0 {
		if limit, aerr = num("pageSize", defaultListLimit); aerr != nil {
			return aerr
		}
	}
	if limit == 0 {
		limit = defaultListLimit
	}
	limit = min(limit, authenta.MaxListLimit)
	page, aerr := num("page", 0)
	if aerr != nil {
		return aerr
	}
	if page == 0 {
		off, aerr := num("offset", 0)
		if aerr != nil {
			return aerr
		}
		page = off/limit + 1
	}
	var filter authenta.Status
	if f := q.Get("status"); f != "" {
		filter = authenta.NormalizeStatus(f)
	}

	now := s.now()
	var views []job
	total := 0
	skip := (page - 1) * limit
	s.mu.Lock()
	for i := len(s.order) - 1; i >= 0; i-- { // newest first
		j := s.order[i]
		if j.deleted {
			continue
		}
		j.advance(now, false)
		if filter != "" && j.status != filter {
			continue
		}
		total++
		if total > skip && len(views) < limit {
			v := *j
			v.uploads = nil
			views = append(views, v)
		}
	}
	s.mu.Unlock()

	items := make([]listItem, len(views))
	for i := range views {
		items[i] = s.listItemJSON(&views[i])
	}
	pages := (total + limit - 1) / limit
	var out any
	switch s.cfg.listEnvelope {
	case ListItems:
		out = struct {
			Items    []listItem `json:"items"`
			Total    int        `json:"total"`
			Page     int        `json:"page"`
			PageSize int        `json:"pageSize"`
		}{items, total, page, limit}
	case ListLegacy:
		out = struct {
			Limit  int        `json:"limit"`
			Offset int        `json:"offset"`
			Total  int        `json:"total"`
			Data   []listItem `json:"data"`
		}{limit, skip, total, items}
	case ListArray:
		out = items
	default:
		type pagination struct {
			Page  int `json:"page"`
			Limit int `json:"limit"`
			Total int `json:"total"`
			Pages int `json:"pages"`
		}
		out = struct {
			Data       []listItem `json:"data"`
			Pagination pagination `json:"pagination"`
		}{items, pagination{page, limit, total, pages}}
	}
	s.writeJSON(w, 200, out)
	return nil
}
