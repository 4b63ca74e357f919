package authenta

// WithWaitOptions sets the client's default wait: the polling schedule
// (and OnPoll) of Wait, Detect and Resume, and of waits the other services
// run, when the call gives none. A call's own WaitOptions win field by
// field: a zero MinInterval, MaxInterval or a nil OnPoll there takes the
// client's, unless the client's would contradict the call's other field
// (a call's MaxInterval below the client's MinInterval, or its MinInterval
// above the client's MaxInterval): that one then takes the package's
// default, adapted to the call's as Wait's defaults are. Its options are
// checked as a call's are. Test clients use it to poll at millisecond scale
// (authentatest's Server.Client does) without test settings in production
// code.
func WithWaitOptions(o WaitOptions) Option {
	return func(s *settings) error {
		if _, err := o.normalized(); err != nil { // Wait's own checks
			return err
		}
		s.wait = o
		return nil
	}
}

// waitOptions merges a call's WaitOptions over the client's defaults and
// the package's, and checks them. Other services' waits
// (Faces.WaitEnrolled) use it too; composite calls check their wait with
// it before they send anything.
func (c *Client) waitOptions(call *WaitOptions) (WaitOptions, error) {
	o := c.mergeWait(call)
	return o.normalized()
}

// mergeWait lays a call's WaitOptions over the client's defaults.
func (c *Client) mergeWait(call *WaitOptions) WaitOptions {
	o := c.wait // zero fields: the package defaults
	if call == nil {
		return o
	}
	if call.MinInterval != 0 {
		o.MinInterval = call.MinInterval
	} else if call.MaxInterval != 0 && call.MaxInterval < o.MinInterval {
		o.MinInterval = 0 // the call's faster schedule wins over the client's floor
	}
	if call.MaxInterval != 0 {
		o.MaxInterval = call.MaxInterval
	} else if call.MinInterval > o.MaxInterval && o.MaxInterval != 0 {
		o.MaxInterval = 0 // the call's slower schedule wins over the client's cap
	}
	if call.OnPoll != nil {
		o.OnPoll = call.OnPoll
	}
	return o
}
