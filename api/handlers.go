package api

// chimeHandlers returns the operations Belfry carries out. Every other
// operation of the model is routed and answers BadRequest naming it as not
// yet supported.
func chimeHandlers() map[string]handler {
	return map[string]handler{
		"CreateAccount":        createAccount,
		"GetAccount":           getAccount,
		"ListAccounts":         listAccounts,
		"InviteUsers":          inviteUsers,
		"CreateUser":           createUser,
		"GetUser":              getUser,
		"ListUsers":            listUsers,
		"CreateRoom":           createRoom,
		"GetRoom":              getRoom,
		"ListRooms":            listRooms,
		"CreateRoomMembership": createRoomMembership,
		"ListRoomMemberships":  listRoomMemberships,

		"UpdateAccount":         updateAccount,
		"DeleteAccount":         deleteAccount,
		"GetAccountSettings":    getAccountSettings,
		"UpdateAccountSettings": updateAccountSettings,
		"GetRetentionSettings":  getRetentionSettings,
		"PutRetentionSettings":  putRetentionSettings,
		"UpdateUser":            updateUser,
		"BatchUpdateUser":       batchUpdateUser,
		"BatchSuspendUser":      batchSuspendUser,
		"BatchUnsuspendUser":    batchUnsuspendUser,
		"LogoutUser":            logoutUser,
		"ResetPersonalPIN":      resetPersonalPIN,
		"GetUserSettings":       getUserSettings,
		"UpdateUserSettings":    updateUserSettings,

		"AssociateSigninDelegateGroupsWithAccount":    associateSigninDelegateGroups,
		"DisassociateSigninDelegateGroupsFromAccount": disassociateSigninDelegateGroups,
	}
}
